using System.Globalization;
using FacePing.Contracts.Problems;

namespace FacePing.Api.RateLimiting;

/// <summary>The one 429 answer of the Api: RFC 6585 problem+json and a <c>Retry-After</c> in whole seconds.</summary>
public static class TooManyRequests
{
    /// <summary>Writes the 429 of the catalogue; <paramref name="reason"/> starts the detail.</summary>
    public static ValueTask WriteAsync(HttpContext context, TimeSpan retryAfter, string reason)
    {
        // Rounded up and at least 1 s: a client that waits exactly Retry-After must find a token back.
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return context.WriteProblemAsync(ProblemCatalogue.RateLimited(reason, seconds));
    }
}
