using System.ComponentModel.DataAnnotations;

namespace FacePing.Api.RateLimiting;

/// <summary>Per-tenant request budget (configuration section <c>FacePing:RateLimit</c>).</summary>
public sealed class TenantRateLimitOptions
{
    public const string Section = "FacePing:RateLimit";

    /// <summary>Sustained requests per second per tenant; 0 turns rate limiting off.</summary>
    [Range(0, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 500;

    /// <summary>Requests a tenant may send at once before the sustained rate applies.</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 1000;
}
