using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FacePing.Api.RateLimiting;

/// <summary>Documents the 429 answer (with Retry-After) on every operation the rate limiter covers.</summary>
public static class RateLimitOpenApi
{
    public static IServiceCollection AddRateLimitOpenApi(this IServiceCollection services) =>
        services.Configure<OpenApiOptions>("v1", o => o.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
            {
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("429", new OpenApiResponse
                {
                    Description = "Too many requests: the key's tenant is over its rate, or the caller's address " +
                        "failed authentication too often (FacePing:RateLimit). Retry after the Retry-After seconds.",
                });
            }
            return Task.CompletedTask;
        }));
}
