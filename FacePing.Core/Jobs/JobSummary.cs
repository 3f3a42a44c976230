using System.Text.Json.Serialization;

namespace FacePing.Core.Jobs;

/// <summary>
/// The callback body of a job (docs/ingestion.md):
/// <c>{"totalFiles","successCount","failed","jobId","groupName","status"}</c>; <c>error</c> is added (null
/// otherwise) when the whole job failed, so a receiver learns why without polling. A job of every face
/// (<c>faces=all</c>) adds <c>facesStored</c> and <c>facesRejected</c>; a <c>largest</c> job's body stays the original.
/// </summary>
public sealed record JobSummary(
    int TotalFiles,
    int SuccessCount,
    IReadOnlyList<JobFailure> Failed,
    string JobId,
    string GroupName,
    string Status,
    string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FacesStored = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FacesRejected = null)
{
    public static JobSummary From(JobView job)
    {
        var all = job.Faces == Faces.FaceChoices.All;
        return new(job.TotalFiles, job.SuccessCount, job.Failed, job.JobId, job.GroupName, job.Status, job.Error,
            all ? job.FacesStored ?? 0 : null, all ? job.FacesRejected ?? 0 : null);
    }
}
