namespace FacePing.Core.Jobs;

/// <summary>
/// Redis keys of jobs. A tenant's keys share the hash tag <c>{t:tenant}</c> (one Cluster slot), so the multi-key
/// scripts below are valid on Redis Cluster. The stream is global: every worker reads it.
/// </summary>
public static class JobKeys
{
    public const string Stream = "faceping:jobs:stream";
    public const string ConsumerGroup = "ingestion";

    public static string Job(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}";
    /// <summary>
    /// Hash fileId → failure JSON: re-processing a file after a crash overwrites instead of duplicating.
    /// </summary>
    public static string Failed(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}:failed";
    /// <summary>Set of file ids already finished (stored or failed), for counting once and resuming.</summary>
    public static string Done(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}:done";
    public static string Secret(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}:secret";
    /// <summary>
    /// Set of the tenant's unfinished job ids (queued or running), for the per-tenant cap on unfinished jobs.
    /// </summary>
    public static string Unfinished(string tenant) => $"{{t:{tenant}}}:jobs:unfinished";
    /// <summary>Sorted set jobId by creation time (ms), for <c>GET /jobs</c> newest first.</summary>
    public static string Index(string tenant) => $"{{t:{tenant}}}:jobs";
}
