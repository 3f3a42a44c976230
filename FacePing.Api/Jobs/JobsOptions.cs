using System.ComponentModel.DataAnnotations;

namespace FacePing.Api.Jobs;

/// <summary>Per-tenant bounds on jobs (section <c>FacePing:Jobs</c>).</summary>
public sealed class JobsOptions
{
    public const string Section = "FacePing:Jobs";

    /// <summary>
    /// Jobs (imports and cluster jobs) one tenant may have queued or running at once; one more is answered 429 with
    /// Retry-After. It bounds what a tenant can pile onto the shared queue ahead of others.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxUnfinishedPerTenant { get; set; } = 10;

    /// <summary>Retry-After, in seconds, of that 429.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 30;
}
