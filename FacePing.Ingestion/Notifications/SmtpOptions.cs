using System.ComponentModel.DataAnnotations;

namespace FacePing.Ingestion.Notifications;

/// <summary>Bound from <c>FacePing:Smtp</c>. Without a Host, e-mail notifications are skipped (and logged).</summary>
public sealed class SmtpOptions
{
    public const string Section = "FacePing:Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>
    /// <c>Auto</c> (STARTTLS when offered), <c>None</c>, <c>StartTls</c> (required) or <c>SslOnConnect</c> (port 465).
    /// </summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    [Required, EmailAddress]
    public string From { get; set; } = "faceping@localhost";

    public string FromName { get; set; } = "FacePing";

    public string? Username { get; set; }

    public string? Password { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public enum SmtpSecurity
{
    Auto,
    None,
    StartTls,
    SslOnConnect,
}
