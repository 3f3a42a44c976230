using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FacePing.Core.Inference;

public static class InferenceClientRegistration
{
    /// <summary>
    /// Registers <see cref="InferenceClient"/> against <c>http://inference</c>, resolved by service discovery from
    /// <c>services:inference:http:0</c> (set by the AppHost, or by hand under another orchestrator).
    /// </summary>
    public static IHttpClientBuilder AddInferenceClient(this IHostApplicationBuilder builder) =>
        builder.Services.AddHttpClient<InferenceClient>(client =>
        {
            client.BaseAddress = new Uri($"http://{InferenceClient.ServiceName}");
        });
}
