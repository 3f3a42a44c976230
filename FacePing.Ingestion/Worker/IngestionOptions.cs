using System.ComponentModel.DataAnnotations;

namespace FacePing.Ingestion.Worker;

/// <summary>Bound from <c>FacePing:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    public const string Section = "FacePing:Ingestion";

    /// <summary>Files of one job processed at the same time (download + inference + store).</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// Jobs one worker runs at the same time, so a small import (or a clustering job) is not held up behind a large
    /// one. The Inference service sees up to <c>Jobs × Concurrency</c> requests at once.
    /// </summary>
    [Range(1, 16)]
    public int Jobs { get; set; } = 3;

    /// <summary>
    /// Jobs of one tenant one worker runs at the same time. Below <see cref="Jobs"/> (defaults: 2 of 3), one
    /// tenant's stalled or long imports (a silent FTP server) never hold every slot: the rest serve other tenants,
    /// in turns, while a tenant's own small import still need not wait behind its large one.
    /// </summary>
    [Range(1, 16)]
    public int MaxRunningPerTenant { get; set; } = 2;

    /// <summary>
    /// Jobs a worker reads ahead of its slots looking for another tenant's job while a busy tenant's jobs wait. The
    /// Api's per-tenant cap on unfinished jobs (FacePing:Jobs:MaxUnfinishedPerTenant) keeps a tenant from filling it.
    /// </summary>
    [Range(1, 10_000)]
    public int ReadAhead { get; set; } = 200;

    /// <summary>How long the worker waits before asking the stream again when it was empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A job pending this long without a heartbeat belongs to a dead worker and is claimed (XAUTOCLAIM). Live workers
    /// renew their job every third of this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "01:00:00")]
    public TimeSpan ClaimMinIdle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Consumer name in the stream's group; unique per process unless set.</summary>
    public string? ConsumerName { get; set; }

    /// <summary>
    /// Attempts per file while the Inference service is unavailable, before the job is put back for later.
    /// </summary>
    [Range(1, 20)]
    public int InferenceAttempts { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan InferenceRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Times a job interrupted by a Redis failure (a failover, a restart, a lost connection) is resumed by its own
    /// worker, waiting <see cref="RedisRetryDelay"/>, then twice as long each time; past that it is handed back and
    /// resumes after <see cref="ClaimMinIdle"/>. A Sentinel failover takes a few seconds: the defaults wait out
    /// 1 + 2 + 4 + 8 s.
    /// </summary>
    [Range(0, 20)]
    public int RedisRetries { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RedisRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Times a job may take its worker down (claimed again from a dead worker, not counting deliberate hand-backs)
    /// before it is given up as failed, so one poisonous job cannot crash workers for ever.
    /// </summary>
    [Range(1, 100)]
    public int MaxCrashes { get; set; } = 3;
}
