namespace FacePing.Core.Jobs.Network;

/// <summary>Checks a client's callback URL: absolute http(s), no credentials, a host the guard lets us reach.</summary>
public static class CallbackUrl
{
    /// <summary>The syntax check alone (no DNS); returns an error message or null.</summary>
    public static string? CheckSyntax(string? value, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(value)) return "callbackUrl must be an absolute http or https URL.";
        if (value.Length > 2048) return "callbackUrl must be at most 2048 characters.";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            return "callbackUrl must be an absolute http or https URL.";
        if (!string.IsNullOrEmpty(parsed.UserInfo)) return "callbackUrl must not contain credentials.";
        if (parsed.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            return "callbackUrl has no valid host.";
        uri = parsed;
        return null;
    }

    /// <summary>
    /// Syntax and target: the host must resolve to an address the guard allows. Returns an error message or null.
    /// </summary>
    public static async Task<string?> CheckAsync(string? value, OutboundAddressGuard guard,
        CancellationToken cancellationToken)
    {
        var error = CheckSyntax(value, out var uri);
        if (error is not null) return error;
        try
        {
            await guard.ResolveAllowedAsync(uri!.IdnHost, cancellationToken);
            return null;
        }
        catch (OutboundTargetRefusedException e)
        {
            return "callbackUrl is not allowed: " + e.Message;
        }
    }
}
