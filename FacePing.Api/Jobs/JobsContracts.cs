using System.Text.Json;

namespace FacePing.Api.Jobs;

/// <param name="ServiceAccountKey">
/// The key file's JSON as a string (as the original API takes it); a JSON object is accepted too.
/// </param>
/// <param name="MinQuality">
/// Faces below this quality score (0–1) are listed under failed with the reasons instead of stored.
/// </param>
public sealed record DriveFolderRequest(string? FolderId, JsonElement? ServiceAccountKey,
    string? NotificationEmailAddress, string? CallbackUrl, double? MinQuality = null);

public sealed record FtpFolderRequest(
    string? Host, string? Username, string? Password, string? FolderPath, int? Port, string? NotificationEmailAddress,
    string? CallbackUrl, double? MinQuality = null);

public sealed record JobAccepted(string JobId, string Status, string StatusUrl);
