namespace FacePing.Core.Secrets;

/// <summary>Where the keys that seal secrets at rest live (section <c>FacePing:Secrets</c>).</summary>
public sealed class SecretsOptions
{
    public const string Section = "FacePing:Secrets";

    /// <summary>
    /// The Data Protection key ring: a directory the Api (which seals) and every Ingestion worker (which unseals)
    /// share, and which Redis and its backups never hold. Empty: the framework's per-user default directory, which
    /// serves only when all services run as one user on one machine (docs/configuration.md).
    /// </summary>
    public string? KeyDirectory { get; set; }
}
