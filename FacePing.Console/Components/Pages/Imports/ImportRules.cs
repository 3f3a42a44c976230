using FacePing.Client;
using System.ComponentModel.DataAnnotations;
using System.Net.Mail;

namespace FacePing.Console.Components.Pages.Imports;

// The Api's up-front checks of a folder import, repeated at the fields so most mistakes never leave the form. The Api
// checks again (and more: whether a callback's host may be reached), and its answers land at the same fields.

/// <summary>A host name or IP address, optionally with ftp:// and :port, nothing else (as the Api reads it).</summary>
public sealed class FtpHostAttribute : ValidationAttribute
{
    public override bool IsValid(object? value)
    {
        if (value is not string { Length: > 0 } text) return true; // [Required] says that one
        var host = text.Trim();
        foreach (var prefix in new[] { "ftp://", "ftps://" })
        {
            if (host.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) { host = host[prefix.Length..]; break; }
        }
        host = host.TrimEnd('/');
        if (host.Contains('@') || host.Contains('/')) return false;
        var colon = host.LastIndexOf(':');
        if (colon > 0 && (host.StartsWith('[') ? host[colon - 1] == ']' : host.IndexOf(':') == colon))
        {
            if (!int.TryParse(host[(colon + 1)..], out _)) return false;
            host = host[..colon];
        }
        host = host.Trim('[', ']');
        return host.Length <= 253 && Uri.CheckHostName(host) != UriHostNameType.Unknown;
    }

    public override string FormatErrorMessage(string name) =>
        "host must be a host name or IP address (credentials and paths go in their own fields).";
}

/// <summary>A plain address such as name@example.com: what the Api can send its notification to.</summary>
public sealed class PlainEmailAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) =>
        value is not string { Length: > 0 } text
        || (text.Length <= 254 && MailAddress.TryCreate(text, out var address) && address.Address == text
            && address.Host.Contains('.') && !address.Host.StartsWith('.') && !address.Host.EndsWith('.'));

    public override string FormatErrorMessage(string name) =>
        "notificationEmailAddress must be a plain e-mail address such as name@example.com.";
}

/// <summary>
/// An absolute http or https URL without credentials (the Api also refuses private and loopback targets).
/// </summary>
public sealed class CallbackUrlAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) =>
        value is not string { Length: > 0 } text
        || (Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.UserInfo.Length == 0);

    public override string FormatErrorMessage(string name) => "callbackUrl must be an absolute http or https URL.";
}

/// <summary>
/// What both import forms hold; property names are the Api's field names, so its errors find their inputs.
/// </summary>
public abstract class ImportForm
{
    [Required(ErrorMessage = "Choose the group the faces go to.")]
    public string? Group { get; set; }

    [PlainEmail]
    public string? NotificationEmailAddress { get; set; }

    [CallbackUrl]
    public string? CallbackUrl { get; set; }

    [Range(0.0, 1.0, ErrorMessage = "minQuality must be between 0 and 1.")]
    public double? MinQuality { get; set; }

    /// <summary>Every face of each photo (faces=all), not only the largest.</summary>
    public bool AllFaces { get; set; }

    /// <summary>The Api's faces choice: absent (largest, the default) unless every face is asked for.</summary>
    public string? Faces => AllFaces ? FaceChoices.All : null;
}

/// <summary>The FTP form: the server, its account and the folder.</summary>
public sealed class FtpImportForm : ImportForm
{
    [Required(ErrorMessage = "host is required."), FtpHost]
    public string Host { get; set; } = "";

    [Range(1, 65535, ErrorMessage = "port must be between 1 and 65535.")]
    public int? Port { get; set; }

    [Required(ErrorMessage = "username is required.")]
    public string Username { get; set; } = "";

    [Required(AllowEmptyStrings = true, ErrorMessage = "password is required.")]
    public string Password { get; set; } = "";

    public string FolderPath { get; set; } = "";
}

/// <summary>The Drive form: the folder and the service account that can read it.</summary>
public sealed class DriveImportForm : ImportForm
{
    [Required(ErrorMessage = "folderId is required."),
     RegularExpression("^[A-Za-z0-9_-]{1,200}$",
         ErrorMessage = "folderId must be a Google Drive folder id (letters, digits, '-' and '_').")]
    public string FolderId { get; set; } = "";

    [Required(ErrorMessage = "serviceAccountKey is required (the service account's JSON key).")]
    public string ServiceAccountKey { get; set; } = "";
}
