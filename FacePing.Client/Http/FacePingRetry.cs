using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace FacePing.Client.Http;

/// <summary>
/// The client's one retry rule: a call the API answered 429 or 503 with a <c>Retry-After</c> no longer than
/// <see cref="FacePingClientOptions.MaxRetryAfter"/> is sent again after exactly that wait, at most
/// <see cref="FacePingClientOptions.MaxRetries"/> times. Nothing else is retried: those are the answers by which the
/// API says that nothing was done and when to come back. The same request message is sent again, so a creating call's
/// <c>Idempotency-Key</c> is the same on every attempt.
/// </summary>
public static class FacePingRetry
{
    /// <summary>Adds the rule to a resilience pipeline (the DI registration does this for you).</summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddFacePingRetry(
        this ResiliencePipelineBuilder<HttpResponseMessage> pipeline, FacePingClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxRetries <= 0) return pipeline;
        var longest = options.MaxRetryAfter;
        return pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            ShouldRetryAfterHeader = true,
            BackoffType = DelayBackoffType.Constant,
            Delay = TimeSpan.Zero,
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(IsAdvisedRetry(args.Outcome.Result, longest)),
        });
    }

    /// <summary>
    /// A handler with the rule, for an <see cref="HttpClient"/> you build yourself
    /// (<c>new HttpClient(FacePingRetry.CreateHandler(options))</c>).
    /// </summary>
    public static DelegatingHandler CreateHandler(FacePingClientOptions options, HttpMessageHandler? inner = null)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>().AddFacePingRetry(options).Build();
        return new ResilienceHandler(pipeline) { InnerHandler = inner ?? new SocketsHttpHandler() };
    }

    internal static bool IsAdvisedRetry(HttpResponseMessage? response, TimeSpan longest) =>
        response is { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable }
        && ProblemReader.RetryAfterOf(response) is { } wait && wait <= longest;
}
