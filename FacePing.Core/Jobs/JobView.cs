using System.Text.Json.Serialization;

namespace FacePing.Core.Jobs;

/// <summary>
/// What <c>GET /jobs/{jobId}</c> answers (see the OpenAPI document); never holds credentials. A cluster job counts
/// vectors in <see cref="TotalFiles"/> and <see cref="Processed"/>, and reports <see cref="ClusterCount"/> once done
/// (absent otherwise). A folder import counts photos in <see cref="TotalFiles"/> and <see cref="SuccessCount"/>, and
/// the faces it stored and rejected (under the quality or size bar) in <see cref="FacesStored"/> and
/// <see cref="FacesRejected"/>; <see cref="Faces"/> is its faces choice (largest or all).
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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ClusterCount = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FacesStored = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FacesRejected = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Faces = null);
