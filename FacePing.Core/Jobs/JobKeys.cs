namespace FacePing.Core.Jobs;

/// <summary>
/// Redis keys of jobs. A tenant's keys share the hash tag <c>{t:tenant}</c> (one Cluster slot), so the multi-key
/// scripts below are valid on Redis Cluster. The stream and the delivery
/// queue are global: every worker reads them.
/// </summary>
public static class JobKeys
{
    public const string Stream = "faceping:jobs:stream";
    public const string ConsumerGroup = "ingestion";

    /// <summary>
    /// Sorted set <c>tenant:jobId</c> by due time (ms) of end-of-job notifications waiting to be sent; global, as the
    /// stream, so every worker reads it.
    /// </summary>
    public const string DeliveriesDue = "faceping:deliveries:due";

    public static string Job(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}";
    /// <summary>
    /// Hash fileId → failure JSON: re-processing a file after a crash overwrites instead of duplicating.
    /// </summary>
    public static string Failed(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}:failed";
    /// <summary>Set of file ids already finished (stored or failed), for counting once and resuming.</summary>
    public static string Done(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}:done";
    public static string Secret(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}:secret";
    /// <summary>A finished job's notifications waiting in the delivery queue (no secret: signed when sent).</summary>
    public static string Delivery(string tenant, string jobId) => $"{{t:{tenant}}}:job:{jobId}:delivery";
    /// <summary>
    /// Set of the tenant's unfinished job ids (queued or running), for the per-tenant cap on unfinished jobs.
    /// </summary>
    public static string Unfinished(string tenant) => $"{{t:{tenant}}}:jobs:unfinished";
    /// <summary>Sorted set jobId by creation time (ms), for <c>GET /jobs</c> newest first.</summary>
    public static string Index(string tenant) => $"{{t:{tenant}}}:jobs";
}
