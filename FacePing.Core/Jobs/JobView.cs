namespace FacePing.Core.Jobs;

/// <summary>What <c>GET /jobs/{jobId}</c> answers (API.md); never holds credentials.</summary>
public sealed record JobView(
    string JobId,
    string GroupName,
    string Source,
    string Status,
    int TotalFiles,
    int Processed,
    int SuccessCount,
    IReadOnlyList<JobFailure> Failed,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt);
