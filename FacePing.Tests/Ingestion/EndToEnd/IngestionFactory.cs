using FacePing.Tests.Infrastructure;
using FacePing.Core.Inference;
using FacePing.Ingestion;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FacePing.Tests.Ingestion.EndToEnd;

/// <summary>
/// The real Ingestion host in-process (its worker runs as soon as the host starts) against a real Redis, with the
/// InferenceClient's HTTP handler plugged into an in-process Inference host.
/// </summary>
public sealed class IngestionFactory(
    string redisConnectionString,
    WebApplicationFactory<FacePing.Inference.InferenceEntryPoint> inference,
    IReadOnlyDictionary<string, string?> settings,
    Func<DelegatingHandler>? inferenceInterceptor = null) : WebApplicationFactory<IngestionEntryPoint>
{
    /// <summary>Everything the host logged, at every level.</summary>
    public Fakes.CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        // Service discovery resolves http://inference to this; the in-process handler below answers whatever the host.
        builder.UseSetting("services:inference:http:0", "http://localhost");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            var client = services.AddHttpClient<InferenceClient>()
                .ConfigurePrimaryHttpMessageHandler(() => inference.Server.CreateHandler());
            if (inferenceInterceptor is not null) client.AddHttpMessageHandler(inferenceInterceptor);
        });
    }

    /// <summary>Starts the host (and so the worker) now, off the thread pool (<see cref="HostStart"/>).</summary>
    public async Task<IngestionFactory> StartAsync()
    {
        await HostStart.StartAsync(this);
        return this;
    }
}

/// <summary>Slows every inference call down, so a test can stop a worker in the middle of a job.</summary>
public sealed class SlowInference(TimeSpan delay) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
