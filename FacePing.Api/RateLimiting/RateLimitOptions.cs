using System.ComponentModel.DataAnnotations;

namespace FacePing.Api.RateLimiting;

/// <summary>
/// Per-tenant request rate (section <c>FacePing:RateLimit</c>): a token bucket refilled with
/// <see cref="PermitsPerSecond"/> tokens every second and holding at most <see cref="Burst"/>.
/// The defaults are generous: they stop a runaway client from starving the others, not normal use.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "FacePing:RateLimit";

    /// <summary>False turns limiting off (a trusted single-tenant deployment, or a benchmark).</summary>
    public bool Enabled { get; set; } = true;

    [Range(1, 1_000_000, ErrorMessage = "FacePing:RateLimit:PermitsPerSecond must be between 1 and 1000000.")]
    public int PermitsPerSecond { get; set; } = 500;

    [Range(1, 1_000_000, ErrorMessage = "FacePing:RateLimit:Burst must be between 1 and 1000000.")]
    public int Burst { get; set; } = 1000;
}
