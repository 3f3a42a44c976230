using FacePing.Contracts.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// Honours <see cref="IRequestSizeLimitMetadata"/> on minimal-API endpoints: a declared Content-Length over the limit
/// is refused with 413 before the body is read; a chunked body is cut off by the server limit set here (and then
/// <see cref="ProblemExceptionHandler"/> answers 413).
/// </summary>
public static class BodySizeLimit
{
    /// <summary>JSON bodies of this API: 100 upsert items of 4096 floats fit comfortably.</summary>
    public const long JsonBytes = 8 * 1024 * 1024;

    public static IApplicationBuilder UseBodySizeLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
            if (limit is { } max)
            {
                if (context.Request.ContentLength is { } declared && declared > max)
                {
                    await context.WriteProblemAsync(ProblemCatalogue.BodyOverLimit(declared, max));
                    return;
                }
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                    feature.MaxRequestBodySize = max;
            }
            await next(context);
        });

    /// <summary>Declares the JSON body limit on an endpoint or group.</summary>
    public static TBuilder WithJsonBodyLimit<TBuilder>(this TBuilder builder, long bytes = JsonBytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestSizeLimitMetadata(bytes));

    private sealed class RequestSizeLimitMetadata(long bytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => bytes;
    }
}
