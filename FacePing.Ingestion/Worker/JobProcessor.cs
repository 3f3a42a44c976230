using System.Diagnostics;
using System.Security.Cryptography;
using FacePing.Core.Faces;
using FacePing.Core.Inference;
using FacePing.Core.Jobs;
using FacePing.Core.Storage;
using FacePing.Ingestion.Clustering;
using FacePing.Ingestion.Drive;
using FacePing.Ingestion.Ftp;
using FacePing.Ingestion.Sources;
using Microsoft.Extensions.Options;

namespace FacePing.Ingestion.Worker;

/// <summary>
/// Runs one job to its end: list the folder, then per image download → its largest face or every face, as the job
/// chose (<see cref="FaceService"/>: the Inference service and the face rules) → replace the photo's faces under
/// deterministic ids, counting each file once; then queue the notifications and drop the credentials. Safe to run
/// again for the same job after a crash: finished files are skipped, and a file finished twice is stored under the
/// same id and counted once.
/// </summary>
public sealed class JobProcessor(
    JobStore jobs,
    FolderSourceFactory sources,
    FaceService faces,
    JobNotifier notifier,
    ClusterJobRunner clusters,
    IOptions<IngestionOptions> options,
    ILogger<JobProcessor> logger)
{
    private const string NoCredentials =
        "The job's credentials are no longer available (they expire after a few days); submit the job again.";

    private const string Unsealable =
        "The job's credentials could not be unsealed by the worker (its key ring is not the Api's); submit the job " +
        "again once the operator has fixed it.";

    private readonly IngestionOptions _options = options.Value;

    public async Task ProcessAsync(string tenant, string jobId, CancellationToken cancellationToken)
    {
        var job = await jobs.GetDefinitionAsync(tenant, jobId);
        if (job is null)
        {
            logger.LogWarning("Job {JobId} no longer exists; dropped", jobId);
            return;
        }
        using var activity = IngestionTelemetry.Source.StartActivity("ingest.job");
        activity?.SetTag("faceping.job_id", jobId);
        activity?.SetTag("faceping.source", job.Source);
        activity?.SetTag("faceping.group", job.GroupName);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = jobId, ["Tenant"] = tenant });

        var view = await jobs.GetAsync(tenant, jobId);
        if (view is not null && !JobStatus.IsFinal(view.Status))
        {
            // Cluster jobs read a group, not a folder: they have no credentials.
            var (status, error) = job.Source == JobSource.Cluster
                ? await clusters.RunAsync(job, activity, cancellationToken)
                : await ReadSecretAsync(tenant, jobId) switch
                {
                    { Secret: { } secret } => await RunAsync(job, secret, activity, cancellationToken),
                    { Error: var why } => (JobStatus.Failed, why),
                };
            await jobs.FinishAsync(tenant, jobId, status, error);
            if (error is not null) activity?.SetStatus(ActivityStatusCode.Error, error);
        }

        await CloseAsync(job);
    }

    /// <summary>The job's credentials unsealed, or why they cannot be had.</summary>
    private async Task<(JobSecret? Secret, string Error)> ReadSecretAsync(string tenant, string jobId)
    {
        try
        {
            return await jobs.GetSecretAsync(tenant, jobId) is { } secret ? (secret, "") : (null, NoCredentials);
        }
        catch (CryptographicException e)
        {
            logger.LogError(e, "Job {JobId}: the credentials cannot be unsealed; does this worker share the Api's " +
                "key ring (FacePing:Secrets:KeyDirectory)?", jobId);
            return (null, Unsealable);
        }
    }

    /// <summary>
    /// Ends a job as failed from outside its normal run (an unexpected fault), then notifies as usual.
    /// </summary>
    public async Task FailAsync(string tenant, string jobId, string error, CancellationToken cancellationToken)
    {
        var job = await jobs.GetDefinitionAsync(tenant, jobId);
        if (job is null) return;
        var view = await jobs.GetAsync(tenant, jobId);
        if (view is not null && !JobStatus.IsFinal(view.Status))
            await jobs.FinishAsync(tenant, jobId, JobStatus.Failed, error);
        await CloseAsync(job);
    }

    /// <summary>
    /// Drops the credentials and queues the notifications once (also when a worker died after finishing but before
    /// queuing them); they are sent outside the job's slot (<see cref="Notifications.DeliveryWorker"/>).
    /// </summary>
    private async Task CloseAsync(JobDefinition job)
    {
        var (tenant, jobId) = (job.Tenant, job.JobId);
        await jobs.DeleteSecretAsync(tenant, jobId);
        if (!await jobs.IsNotifiedAsync(tenant, jobId))
        {
            var final = (await jobs.GetAsync(tenant, jobId))!;
            logger.LogInformation("Job {JobId} {Status}: {Success}/{Total} stored, {Failed} failed",
                jobId, final.Status, final.SuccessCount, final.TotalFiles, final.Failed.Count);
            await notifier.NotifyAsync(job, final);
            await jobs.MarkNotifiedAsync(tenant, jobId);
        }
    }

    private async Task<(string Status, string? Error)> RunAsync(
        JobDefinition job, JobSecret secret, Activity? activity, CancellationToken cancellationToken)
    {
        try
        {
            await using var source = await sources.OpenAsync(job, secret, cancellationToken);
            var files = await source.ListImagesAsync(cancellationToken);
            await OpenGroupAsync(job, cancellationToken);

            await jobs.MarkRunningAsync(job.Tenant, job.JobId, files.Count);
            var done = await jobs.GetDoneFilesAsync(job.Tenant, job.JobId);
            var remaining = files.Where(f => !done.Contains(f.FileId)).ToList();
            activity?.SetTag("faceping.files", files.Count);
            activity?.SetTag("faceping.files_resumed", done.Count);
            logger.LogInformation("Job {JobId}: {Total} image files in {Source} folder, {Remaining} to process",
                job.JobId, files.Count, job.Source, remaining.Count);

            await Parallel.ForEachAsync(remaining,
                new ParallelOptions
                {
                    MaxDegreeOfParallelism = _options.Concurrency,
                    CancellationToken = cancellationToken
                },
                async (file, ct) =>
                {
                    var (failure, stored, rejected) = await ProcessFileAsync(job, source, file, ct);
                    await jobs.RecordFileAsync(job.Tenant, job.JobId, file.FileId, failure, stored, rejected);
                });
            return (JobStatus.Completed, null);
        }
        catch (Exception e) when (e is JobAbortedException or FtpException or DriveException)
        {
            logger.LogWarning("Job {JobId} failed: {Error}", job.JobId, e.Message);
            return (JobStatus.Failed, e.Message);
        }
    }

    /// <summary>
    /// Returns no failure when faces were stored, else the failure entry, with the counts of faces stored and
    /// rejected. Job-level problems throw.
    /// </summary>
    private async Task<(JobFailure? Failure, int Stored, int Rejected)> ProcessFileAsync(
        JobDefinition job, IFolderSource source, SourceFile file, CancellationToken cancellationToken)
    {
        using var activity = IngestionTelemetry.Source.StartActivity("ingest.file");
        activity?.SetTag("faceping.job_id", job.JobId);
        activity?.SetTag("faceping.file_id", file.FileId);
        JobFailure Fail(string error)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
            logger.LogInformation("Job {JobId}: {FileName} not stored: {Error}", job.JobId, file.FileName, error);
            return new JobFailure(file.FileName, file.FileId, error);
        }

        byte[] bytes;
        try
        {
            bytes = await source.DownloadAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is FtpException or DriveException)
        {
            return (Fail("download failed: " + e.Message), 0, 0);
        }

        FaceSelection selection;
        try
        {
            selection = await SelectAsync(bytes, job, cancellationToken);
        }
        catch (ImageRejectedException e)
        {
            return (Fail(e.Status switch
            {
                413 => "image too large: " + (e.Detail ?? e.Title),
                415 => "not a decodable image: " + (e.Detail ?? e.Title),
                _ => "image rejected: " + (e.Detail ?? e.Title),
            }), 0, 0);
        }

        // A photo that yields no face now loses the faces an earlier run stored for it, as one that yields fewer.
        var ids = await StoreAsync(job, new ImportedPhoto(job.Source, file.FileId, file.FileName, job.JobId),
            selection, cancellationToken);
        activity?.SetTag("faceping.face_count", selection.FaceCount);
        activity?.SetTag("faceping.faces_stored", ids.Count);
        var rejected = selection.Rejected.Count;
        if (ids.Count == 0)
            return (Fail(selection.Rejected is [var first, ..] ? first.Describe() : "no face found"), 0, rejected);
        return (null, ids.Count, rejected);
    }

    private async Task OpenGroupAsync(JobDefinition job, CancellationToken cancellationToken)
    {
        try
        {
            await faces.OpenGroupAsync(job.Tenant, job.GroupName, cancellationToken);
        }
        catch (GroupNotFoundException)
        {
            throw new JobAbortedException($"Group '{job.GroupName}' no longer exists.");
        }
    }

    /// <summary>
    /// Stores or replaces the accepted faces under their deterministic ids; a group that is gone or holds another
    /// model's (or length's) vectors ends the job.
    /// </summary>
    private async Task<IReadOnlyList<string>> StoreAsync(JobDefinition job, ImportedPhoto photo,
        FaceSelection selection, CancellationToken cancellationToken)
    {
        try
        {
            return await faces.ReplaceImportedPhotoAsync(job.Tenant, job.GroupName, photo, selection,
                cancellationToken);
        }
        catch (GroupNotFoundException e)
        {
            throw new JobAbortedException($"Group '{job.GroupName}' was deleted during the import.", e);
        }
        catch (ModelMismatchException e)
        {
            throw new JobAbortedException(e.Message, e);
        }
        catch (DimensionMismatchException e)
        {
            throw new JobAbortedException($"Group '{job.GroupName}' holds {e.Expected}-dimensional vectors; " +
                $"faces are {e.Actual}-dimensional.", e);
        }
    }

    /// <summary>Waits out short Inference outages; a long one leaves the job pending for a later attempt.</summary>
    private async Task<FaceSelection> SelectAsync(byte[] bytes, JobDefinition job, CancellationToken cancellationToken)
    {
        var delay = _options.InferenceRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await faces.SelectToStoreAsync(new FaceImage(bytes), job.Faces, job.MinQuality,
                    cancellationToken);
            }
            catch (InferenceUnavailableException) when (attempt < _options.InferenceAttempts)
            {
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
            }
        }
    }
}
