using System.ComponentModel.DataAnnotations;

namespace FacePing.Ingestion.Ftp;

/// <summary>Bound from <c>FacePing:Ftp</c>.</summary>
public sealed class FtpClientOptions
{
    public const string Section = "FacePing:Ftp";

    /// <summary>
    /// Explicit FTPS (AUTH TLS): <c>Auto</c> uses it when the server offers it, <c>Required</c> refuses plain FTP,
    /// <c>Never</c> skips it.
    /// </summary>
    public FtpTlsMode Tls { get; set; } = FtpTlsMode.Auto;

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the server may take to greet (its 220) once connected. Shorter than <see cref="ReadTimeout"/>: a
    /// server that accepts and stays silent holds a job slot for nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan GreetingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one read may wait for the server (a reply line or a data block).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest file downloaded into memory; bigger files are a failed entry.</summary>
    [Range(1, 1L << 31)]
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most entries read from one listing (a hostile server could stream names for ever).</summary>
    [Range(1, 1_000_000)]
    public int MaxListingEntries { get; set; } = 100_000;

    /// <summary>
    /// SHA-256 thumbprints (hex) of server certificates accepted even though they do not chain to a trusted root —
    /// for self-signed servers the operator knows. Empty in production: certificates are validated normally.
    /// </summary>
    public List<string> TrustedCertificateThumbprints { get; set; } = [];

    /// <summary>
    /// Host names, IP addresses or CIDR ranges of internal FTP servers jobs may reach. Others must resolve to public
    /// addresses: a job's host is client input and must not turn the worker into a probe of the internal network.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}

public enum FtpTlsMode
{
    Auto,
    Required,
    Never,
}
