namespace FacePing.Core.Jobs;

/// <summary>
/// Drive ids are URL-safe base64-like tokens; anything else (quotes above all) could change the listing query.
/// </summary>
public static class DriveFolderId
{
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= 200 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
