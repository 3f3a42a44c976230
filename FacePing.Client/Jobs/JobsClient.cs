using FacePing.Client.Http;

namespace FacePing.Client;

/// <summary>Folder imports (FTP, Google Drive) and the jobs that run them: start, look at, list, wait for.</summary>
public sealed class JobsClient
{
    private readonly ApiConnection _api;

    internal JobsClient(ApiConnection api) => _api = api;

    /// <summary>The default pause between two looks at a job in <see cref="WaitAsync"/>.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Starts importing an FTP/FTPS folder into a group; the API checks it and answers at once.</summary>
    public Task<JobAccepted> StartFtpImportAsync(string groupName, FtpImport import,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"groups/{Paths.Segment(groupName)}/process-ftp-folder",
            Json.Content(import, FacePingJson.Default.FtpImport), Call.Creating, FacePingJson.Default.JobAccepted,
            cancellationToken);

    /// <summary>Starts importing a Google Drive folder into a group.</summary>
    public Task<JobAccepted> StartDriveImportAsync(string groupName, DriveImport import,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"groups/{Paths.Segment(groupName)}/process-drive-folder",
            Json.Content(import, FacePingJson.Default.DriveImport), Call.Creating, FacePingJson.Default.JobAccepted,
            cancellationToken);

    /// <summary>A job's status, counts and failed files (404 for another tenant's or an unknown job).</summary>
    public Task<Job> GetAsync(string jobId, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, $"jobs/{Paths.Segment(jobId)}", null, Call.Reading, FacePingJson.Default.Job,
            cancellationToken);

    /// <summary>The tenant's jobs, newest first.</summary>
    public Task<IReadOnlyList<Job>> ListAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, Paths.WithQuery("jobs", ("limit", limit)), null, Call.Reading,
            FacePingJson.Default.IReadOnlyListJob, cancellationToken);

    /// <summary>
    /// Looks at the job every <paramref name="pollInterval"/> (1 s by default), reporting each look to
    /// <paramref name="progress"/>, until it has completed or failed; returns it then. Stop waiting with
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<Job> WaitAsync(string jobId, TimeSpan? pollInterval = null, IProgress<Job>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var pause = pollInterval ?? DefaultPollInterval;
        while (true)
        {
            var job = await GetAsync(jobId, cancellationToken);
            progress?.Report(job);
            if (job.IsFinished) return job;
            await Task.Delay(pause, cancellationToken);
        }
    }
}
