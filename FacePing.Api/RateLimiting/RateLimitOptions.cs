using System.ComponentModel.DataAnnotations;

namespace FacePing.Api.RateLimiting;

/// <summary>
/// Per-tenant request rate (section <c>FacePing:RateLimit</c>): a token bucket refilled with
/// <see cref="PermitsPerSecond"/> tokens every second and holding at most <see cref="Burst"/>.
/// The defaults are generous: they stop a runaway client from starving the others, not normal use.
/// Failed authentication has its own bucket per client address (<see cref="FailedAuthPerMinute"/>,
/// <see cref="FailedAuthBurst"/>), so guessing keys cannot load Redis without bound.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "FacePing:RateLimit";

    /// <summary>
    /// False turns all limiting off, per tenant and per address (a trusted single-tenant deployment, or a benchmark).
    /// </summary>
    public bool Enabled { get; set; } = true;

    [Range(1, 1_000_000, ErrorMessage = "FacePing:RateLimit:PermitsPerSecond must be between 1 and 1000000.")]
    public int PermitsPerSecond { get; set; } = 500;

    [Range(1, 1_000_000, ErrorMessage = "FacePing:RateLimit:Burst must be between 1 and 1000000.")]
    public int Burst { get; set; } = 1000;

    /// <summary>
    /// Failed authentications an address gets back per minute once its <see cref="FailedAuthBurst"/> is spent.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "FacePing:RateLimit:FailedAuthPerMinute must be between 1 and 1000000.")]
    public int FailedAuthPerMinute { get; set; } = 60;

    /// <summary>
    /// Failed authentications an address may make at once before it is answered 429 without a key lookup.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "FacePing:RateLimit:FailedAuthBurst must be between 1 and 1000000.")]
    public int FailedAuthBurst { get; set; } = 30;
}
