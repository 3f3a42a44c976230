using System.Threading.RateLimiting;
using FacePing.Core.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FacePing.Api.RateLimiting;

/// <summary>
/// One token bucket per tenant (all keys of a tenant share it, so minting more keys buys no extra rate) and one for the
/// admin key. Endpoints that allow anonymous callers (health, OpenAPI, the reference UI) are never limited; requests
/// that fail authentication are answered 401 before they get here, and counted per client address by
/// <see cref="FailedAuthLimiter"/>, which the authentication handler asks before it looks a key up.
/// </summary>
public static class RateLimitingExtensions
{
    public static IServiceCollection AddFacePingRateLimiting(this IServiceCollection services,
        IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<FailedAuthLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddRateLimitOpenApi();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, settings) =>
        {
            var o = settings.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var caller = Partition(context);
                if (!o.Enabled || caller is null) return RateLimitPartition.GetNoLimiter("");
                return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = o.Burst,
                    TokensPerPeriod = o.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>Place after authentication/authorization: the partition is the caller's tenant.</summary>
    public static IApplicationBuilder UseFacePingRateLimiting(this IApplicationBuilder app) => app.UseRateLimiter();

    private static string? Partition(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null)
            return null;
        var user = context.User;
        if (user.FindFirst(FacePingClaims.Tenant)?.Value is { } tenant) return "t:" + tenant;
        return user.IsInRole(FacePingClaims.AdminRole) ? "admin" : null;
    }

    private static ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        TooManyRequests.WriteAsync(rejected.HttpContext,
            rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1),
            "This API key's tenant is over its request rate");
}
