using System.ComponentModel.DataAnnotations;

namespace FacePing.Core.Jobs.Network;

/// <summary>
/// Bound from <c>FacePing:Callbacks</c>; read by the Api (validation before 202) and by Ingestion (sending).
/// </summary>
public sealed class CallbackOptions : IValidatableObject
{
    public const string Section = "FacePing:Callbacks";

    /// <summary>
    /// Host names, IP addresses or CIDR ranges that may be called although they are internal (tests, on-premises
    /// receivers).
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Time for one attempt, connection included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Delay before the first retry; doubled for each further one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in AllowedHosts.Where(e => !OutboundAddressGuard.IsValidAllowListEntry(e)))
            yield return new ValidationResult($"'{entry}' is neither a host name, an IP address nor a CIDR range.",
                [nameof(AllowedHosts)]);
    }
}
