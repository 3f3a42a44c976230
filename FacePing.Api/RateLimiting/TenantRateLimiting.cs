using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using FacePing.Core.Auth;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FacePing.Api.RateLimiting;

/// <summary>
/// A token bucket per tenant over every endpoint (so one tenant cannot starve the others of Redis and inference time).
/// Anonymous and admin requests are not limited here: they either fail authentication or are the operator's own.
/// Over budget: 429 problem+json with Retry-After.
/// </summary>
public static class TenantRateLimiting
{
    public static IServiceCollection AddTenantRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TenantRateLimitOptions>()
            .Bind(configuration.GetSection(TenantRateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TenantRateLimitOptions>>((limiter, budget) =>
        {
            var options = budget.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var tenant = context.User.FindFirstValue(FacePingClaims.Tenant);
                if (tenant is null || options.PermitsPerSecond == 0) return RateLimitPartition.GetNoLimiter("");
                return RateLimitPartition.GetTokenBucketLimiter(tenant, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                    : 1;
                var http = rejected.HttpContext;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This tenant's request budget is used up; retry after {retryAfter} s.",
                    },
                });
            };
        });
        return services;
    }
}
