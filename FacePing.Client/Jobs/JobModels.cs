namespace FacePing.Client;

/// <summary>The states of a job, as the API writes them.</summary>
public static class JobStatus
{
    /// <summary>Waiting for a worker.</summary>
    public const string Queued = "queued";

    /// <summary>A worker is on it; the counts move.</summary>
    public const string Running = "running";

    /// <summary>Done; failures of single files are listed in <see cref="Job.Failed"/>.</summary>
    public const string Completed = "completed";

    /// <summary>The job as a whole failed; <see cref="Job.Error"/> says why.</summary>
    public const string Failed = "failed";
}

/// <summary>A job the API accepted (202): poll <see cref="StatusUrl"/>, or wait with <c>Jobs.WaitAsync</c>.</summary>
public sealed record JobAccepted(string JobId, string Status, string StatusUrl);

/// <summary>A file a job could not store, with a reason its owner can act on.</summary>
public sealed record JobFailure(string FileName, string FileId, string Error);

/// <summary>
/// A folder import or cluster job: status and counts (a cluster job counts vectors, and gives
/// <see cref="ClusterCount"/> once completed). A folder import counts photos (<see cref="TotalFiles"/>,
/// <see cref="SuccessCount"/>) and faces: <see cref="FacesStored"/>, and <see cref="FacesRejected"/> under the quality
/// or size bar; <see cref="Faces"/> is its <see cref="FaceChoices"/> value.
/// </summary>
public sealed record Job(string JobId, string GroupName, string Source, string Status, int TotalFiles, int Processed,
    int SuccessCount, IReadOnlyList<JobFailure> Failed, string? Error, DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt, int? ClusterCount = null, int? FacesStored = null, int? FacesRejected = null,
    string? Faces = null)
{
    /// <summary>Completed or failed: it will not change any more.</summary>
    public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed;
}

/// <summary>Which faces of a photo are stored: the largest (the default), or every face.</summary>
public static class FaceChoices
{
    /// <summary>The largest whole, confident face of each photo.</summary>
    public const string Largest = "largest";

    /// <summary>Every face that passes the quality and size bars, one vector each.</summary>
    public const string All = "all";
}

/// <summary>An FTP or FTPS folder to import (the largest face, or every face, of every image file in it).</summary>
public sealed record FtpImport
{
    /// <summary>The server, e.g. <c>ftp.example.org</c> or <c>ftps://ftp.example.org</c>.</summary>
    public required string Host { get; init; }

    /// <summary>The port (21 unless given).</summary>
    public int? Port { get; init; }

    /// <summary>The user name.</summary>
    public required string Username { get; init; }

    /// <summary>The password; kept by the API only while the job runs, never shown.</summary>
    public required string Password { get; init; }

    /// <summary>The folder (not its sub-folders).</summary>
    public string FolderPath { get; init; } = "/";

    /// <summary>An address that gets an e-mail when the job ends.</summary>
    public string? NotificationEmailAddress { get; init; }

    /// <summary>A URL that gets the signed job summary at the end (verify it with <c>FacePingWebhook</c>).</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>Faces below this quality (0–1) are not stored (a photo left without one is listed as failed).</summary>
    public double? MinQuality { get; init; }

    /// <summary>
    /// <see cref="FaceChoices.Largest"/> (the API's default) or <see cref="FaceChoices.All"/>: every face of each
    /// photo that passes the bars, one vector each naming its photo.
    /// </summary>
    public string? Faces { get; init; }
}

/// <summary>A Google Drive folder to import, read with a service account that it is shared with.</summary>
public sealed record DriveImport
{
    /// <summary>The folder's id (from its URL).</summary>
    public required string FolderId { get; init; }

    /// <summary>The service account's key file, as its JSON text.</summary>
    public required string ServiceAccountKey { get; init; }

    /// <summary>An address that gets an e-mail when the job ends.</summary>
    public string? NotificationEmailAddress { get; init; }

    /// <summary>A URL that gets the signed job summary when the job ends.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>Faces below this quality (0–1) are not stored (a photo left without one is listed as failed).</summary>
    public double? MinQuality { get; init; }

    /// <summary>
    /// <see cref="FaceChoices.Largest"/> (the API's default) or <see cref="FaceChoices.All"/>: every face of each
    /// photo that passes the bars, one vector each naming its photo.
    /// </summary>
    public string? Faces { get; init; }
}

/// <summary>Options of a cluster job (people among a group's unlabelled faces).</summary>
public sealed record ClusterOptions
{
    /// <summary>Cosine similarity (−1 to 1) at which faces count as one person; default: the match threshold.</summary>
    public double? Threshold { get; init; }

    /// <summary>Clusters smaller than this (at least 2, the default) are not listed or written.</summary>
    public int? MinClusterSize { get; init; }

    /// <summary>A metadata key set to each clustered vector's cluster id (and removed from the others).</summary>
    public string? WriteMetadataKey { get; init; }
}

/// <summary>One cluster of a completed cluster job: id 1 is the largest.</summary>
public sealed record FaceCluster(int ClusterId, int Size, IReadOnlyList<string> Ids);
