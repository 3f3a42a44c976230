using System.Text.Json.Serialization;

namespace FacePing.Core.Jobs;

/// <summary>
/// What <c>GET /jobs/{jobId}</c> answers (see the OpenAPI document); never holds credentials. A cluster job counts
/// vectors in <see cref="TotalFiles"/> and <see cref="Processed"/>, and reports <see cref="ClusterCount"/> once done
/// (absent otherwise).
/// </summary>
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
    DateTimeOffset? CompletedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ClusterCount = null);
