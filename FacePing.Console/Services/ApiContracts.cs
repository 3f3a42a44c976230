namespace FacePing.Console.Services;

// The Api's JSON as the console reads it (the Api's OpenAPI document, /openapi/v1.json, describes it). Fields the
// console does not show are left out, so additions to the Api never break it.

public sealed record KeyInfo(string Id, string Name, string TenantId, DateTimeOffset CreatedAt, bool Revoked);

public sealed record CreatedKey(string Id, string Name, string TenantId, string Key);

public sealed record GroupInfo(string Name, DateTimeOffset CreatedAt, long VectorCount, int? Dimensions, string? Model);

public sealed record StoredVector(string Id, string GroupName, string VectorString, int Dimensions,
    Dictionary<string, string> Metadata);

public sealed record FaceBox(int X, int Y, int Width, int Height);

public sealed record FaceQuality(float Score, string[]? Issues);

public sealed record DetectedFace(FaceBox Box, float Confidence, FaceQuality? Quality = null);

public sealed record DetectResponse(int FaceCount, List<DetectedFace> Faces);

public sealed record ComparedFace(FaceBox Box, float Confidence, int FaceCount);

public sealed record FaceComparison(float Similarity, bool IsMatch, double Threshold, ComparedFace Face1,
    ComparedFace Face2);

public sealed record SearchHit(string Id, float Score, Dictionary<string, string> Metadata);

public sealed record StoredFace(string Id, string GroupName, DetectedFace Face, int FaceCount);

public sealed record IdentityMatch(string Id, float Score, bool IsMatch, Dictionary<string, string> Metadata);

/// <summary>One face of <c>POST /groups/{g}/faces/identify</c>: no matches when it is too poor to recognise.</summary>
public sealed record IdentifiedFace(FaceBox Box, float Confidence, FaceQuality? Quality, List<IdentityMatch> Matches);

public sealed record IdentifyResponse(int FaceCount, List<IdentifiedFace> Faces);

public sealed record FtpImportRequest(string Host, int? Port, string Username, string Password, string FolderPath,
    string? NotificationEmailAddress, string? CallbackUrl, double? MinQuality);

public sealed record DriveImportRequest(string FolderId, string ServiceAccountKey, string? NotificationEmailAddress,
    string? CallbackUrl, double? MinQuality);

public sealed record JobAccepted(string JobId, string Status, string StatusUrl);

public sealed record JobFailure(string FileName, string FileId, string Error);

public sealed record Job(string JobId, string GroupName, string Source, string Status, int TotalFiles, int Processed,
    int SuccessCount, List<JobFailure> Failed, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    /// <summary>Still moving: worth asking again in a second.</summary>
    public bool IsActive => Status is "queued" or "running";
}
