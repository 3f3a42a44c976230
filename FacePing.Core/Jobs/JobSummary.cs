namespace FacePing.Core.Jobs;

/// <summary>
/// The callback body of a job (docs/ingestion.md):
/// <c>{"totalFiles","successCount","failed","jobId","groupName","status"}</c>; <c>error</c> is added (null
/// otherwise) when the whole job failed, so a receiver learns why without polling.
/// </summary>
public sealed record JobSummary(
    int TotalFiles,
    int SuccessCount,
    IReadOnlyList<JobFailure> Failed,
    string JobId,
    string GroupName,
    string Status,
    string? Error = null)
{
    public static JobSummary From(JobView job) =>
        new(job.TotalFiles, job.SuccessCount, job.Failed, job.JobId, job.GroupName, job.Status, job.Error);
}
