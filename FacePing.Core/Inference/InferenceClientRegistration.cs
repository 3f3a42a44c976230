using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FacePing.Core.Inference;

public static class InferenceClientRegistration
{
    /// <summary>How long one analysis may take (a 50-megapixel photo with every face embedded takes seconds).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Registers <see cref="InferenceClient"/> against <c>http://inference</c>, resolved by service discovery from
    /// <c>services:inference:http:0</c> (set by the AppHost, or by hand under another orchestrator). It does not retry:
    /// the Api answers 503 with Retry-After at once, and the Ingestion worker waits out short outages in its own loop.
    /// </summary>
    public static IHttpClientBuilder AddInferenceClient(this IHostApplicationBuilder builder) =>
        builder.Services.AddHttpClient<InferenceClient>(client =>
        {
            client.BaseAddress = new Uri($"http://{InferenceClient.ServiceName}");
            client.Timeout = Timeout;
        });
}
