using System.Net;

namespace FacePing.Core.Jobs;

/// <summary>
/// Where and as whom to log in. Built from what a client sent, so every field is checked for command injection.
/// </summary>
public sealed record FtpEndpoint
{
    public FtpEndpoint(string host, int port, string username, string password)
    {
        Host = host;
        Port = port;
        Username = username;
        Password = password;
    }

    public string Host { get; }
    public int Port { get; }
    public string Username { get; }
    public string Password { get; }

    /// <summary>The password must never reach a log through a record's generated ToString.</summary>
    public override string ToString() => $"ftp://{Username}@{Host}:{Port}";

    /// <summary>
    /// Normalises what a client typed: an <c>ftp://</c> (or <c>ftps://</c>) prefix, a trailing slash and an explicit
    /// <c>host:port</c> are accepted; a URL-encoded username (<c>%24</c> for <c>$</c>) is decoded. Returns null and an
    /// error message when something cannot be a valid FTP login.
    /// </summary>
    public static FtpEndpoint? TryCreate(string? host, int? port, string? username, string? password,
        out Dictionary<string, string> errors)
    {
        errors = [];
        var normalizedHost = NormalizeHost(host, ref port, out var hostError);
        if (hostError is not null) errors["host"] = hostError;
        var effectivePort = port ?? 21;
        if (effectivePort is < 1 or > 65535) errors["port"] = "port must be between 1 and 65535.";

        string? user = null;
        if (string.IsNullOrEmpty(username)) errors["username"] = "username is required.";
        else
        {
            try { user = username.Contains('%') ? Uri.UnescapeDataString(username) : username; }
            catch (UriFormatException) { errors["username"] = "username is not valid URL encoding."; }
            if (user is not null && (user.Length > 256 || HasControlChars(user)))
                errors["username"] = "username must be at most 256 characters without control characters.";
        }
        if (password is null) errors["password"] = "password is required.";
        else if (password.Length > 1024 || HasControlChars(password))
            errors["password"] = "password must be at most 1024 characters without control characters.";

        return errors.Count == 0 ? new FtpEndpoint(normalizedHost!, effectivePort, user!, password!) : null;
    }

    private static string? NormalizeHost(string? host, ref int? port, out string? error)
    {
        error = null;
        var value = host?.Trim();
        if (string.IsNullOrEmpty(value)) { error = "host is required."; return null; }
        foreach (var prefix in new[] { "ftp://", "ftps://" })
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) { value = value[prefix.Length..]; break; }
        }
        value = value.TrimEnd('/');
        if (value.Contains('@') || value.Contains('/'))
        {
            error = "host must be a host name or IP address (credentials and paths go in their own fields).";
            return null;
        }

        // "host:port" or "[v6]:port" may carry the port; a bare IPv6 address has several colons and no brackets.
        var colon = value.LastIndexOf(':');
        if (colon > 0 && (value.StartsWith('[') ? value[colon - 1] == ']' : value.IndexOf(':') == colon))
        {
            if (!int.TryParse(value[(colon + 1)..], out var explicitPort))
            {
                error = "host has an invalid port.";
                return null;
            }
            if (port is not null && port != explicitPort)
            {
                error = "host names a different port than port.";
                return null;
            }
            port = explicitPort;
            value = value[..colon];
        }
        value = value.Trim('[', ']');
        if (value.Length > 253 || Uri.CheckHostName(value) == UriHostNameType.Unknown)
        {
            error = "host is not a valid host name or IP address.";
            return null;
        }
        return IPAddress.TryParse(value, out var ip) ? ip.ToString() : value.ToLowerInvariant();
    }

    internal static bool HasControlChars(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c)) return true;
        }
        return false;
    }
}
