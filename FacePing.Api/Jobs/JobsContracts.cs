using System.Text.Json;

namespace FacePing.Api.Jobs;

/// <param name="ServiceAccountKey">
/// The key file's JSON as a string (as the original API takes it); a JSON object is accepted too.
/// </param>
/// <param name="MinQuality">
/// Faces below this quality score (0–1) are not stored; a photo without a stored face is listed under failed with
/// the reasons.
/// </param>
/// <param name="Faces">
/// "largest" (default): the largest face of each photo; "all": every face that passes the quality bar (default
/// 0.1) and the face-size bar (20 px), one vector each naming its photo (docs/ingestion.md).
/// </param>
public sealed record DriveFolderRequest(string? FolderId, JsonElement? ServiceAccountKey,
    string? NotificationEmailAddress, string? CallbackUrl, double? MinQuality = null, string? Faces = null);

/// <param name="Faces">"largest" (default) or "all", as for Drive folders.</param>
public sealed record FtpFolderRequest(
    string? Host, string? Username, string? Password, string? FolderPath, int? Port, string? NotificationEmailAddress,
    string? CallbackUrl, double? MinQuality = null, string? Faces = null);

public sealed record JobAccepted(string JobId, string Status, string StatusUrl);
