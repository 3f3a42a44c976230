using System.Net.Mail;
using FacePing.Core.Jobs.Network;

namespace FacePing.Api.Jobs;

/// <summary>
/// The checks every folder request shares: notification e-mail and callback URL (syntax and SSRF target).
/// </summary>
public static class JobRequestValidation
{
    public const int MaxEmailLength = 254;

    public static string? CheckEmail(string? value)
    {
        if (value is null) return null;
        if (value.Length > MaxEmailLength || !MailAddress.TryCreate(value, out var address) || address.Address != value
            || !address.Host.Contains('.') || address.Host.StartsWith('.') || address.Host.EndsWith('.'))
            return "notificationEmailAddress must be a plain e-mail address such as name@example.com.";
        return null;
    }

    public static async Task CheckNotificationsAsync(string? email, string? callbackUrl, OutboundAddressGuard guard,
        Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (CheckEmail(email) is { } emailError) errors["notificationEmailAddress"] = [emailError];
        if (callbackUrl is not null
            && await CallbackUrl.CheckAsync(callbackUrl, guard, cancellationToken) is { } urlError)
            errors["callbackUrl"] = [urlError];
    }
}
