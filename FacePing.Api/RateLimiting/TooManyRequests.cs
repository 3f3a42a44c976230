using System.Globalization;

namespace FacePing.Api.RateLimiting;

/// <summary>The one 429 answer of the Api: RFC 6585 problem+json and a <c>Retry-After</c> in whole seconds.</summary>
public static class TooManyRequests
{
    /// <summary>Writes the 429; <paramref name="reason"/> starts the detail, which ends with the wait.</summary>
    public static ValueTask WriteAsync(HttpContext context, TimeSpan retryAfter, string reason)
    {
        // Rounded up and at least 1 s: a client that waits exactly Retry-After must find a token back.
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = "https://tools.ietf.org/html/rfc6585#section-4",
                Title = "Too many requests",
                Detail = $"{reason}; retry after {seconds} s.",
            },
        });
    }
}
