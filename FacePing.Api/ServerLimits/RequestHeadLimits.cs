using FacePing.Contracts.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FacePing.Api.ServerLimits;

/// <summary>
/// The limits on a request's head (target and header fields), answered as problem+json. Kestrel answers a request
/// over its own limits with an empty 414/431 before any application code runs, and that answer cannot be given a
/// body; so Kestrel's limits are set above these and this middleware, first in the pipeline, refuses what lies in
/// between with the catalogue's 414 or 431. Only heads over Kestrel's ceilings (and request lines Kestrel cannot
/// parse, such as a NUL in the path) still get its empty answer.
/// </summary>
public static class RequestHeadLimits
{
    /// <summary>Longest request target (path and query) the Api reads: ASP.NET Core's default request line.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>Largest total of header names and values the Api reads: ASP.NET Core's default.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>Most header fields the Api reads: ASP.NET Core's default.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>Kestrel's ceilings: beyond them it answers alone, with an empty body.</summary>
    public const int KestrelLineBytes = 64 * 1024, KestrelHeaderBytes = 64 * 1024, KestrelHeaderCount = 500;

    public static void ApplyCeilings(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = KestrelLineBytes;
        limits.MaxRequestHeadersTotalSize = KestrelHeaderBytes;
        limits.MaxRequestHeaderCount = KestrelHeaderCount;
    }

    /// <summary>First in the pipeline, so nothing else reads an oversized head.</summary>
    public static IApplicationBuilder UseRequestHeadLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget
                ?? context.Request.Path + context.Request.QueryString;
            if (target.Length > MaxTargetLength)
            {
                await context.WriteProblemAsync(ProblemCatalogue.TargetOverLimit(target.Length, MaxTargetLength));
                return;
            }
            var headers = context.Request.Headers;
            var bytes = 0;
            var count = 0;
            foreach (var (name, values) in headers)
            {
                foreach (var value in values)
                {
                    bytes += name.Length + (value?.Length ?? 0);
                    count++;
                }
            }
            if (bytes > MaxHeaderBytes || count > MaxHeaderCount)
            {
                await context.WriteProblemAsync(
                    ProblemCatalogue.HeadersOverLimit(bytes, count, MaxHeaderBytes, MaxHeaderCount));
                return;
            }
            await next(context);
        });
}
