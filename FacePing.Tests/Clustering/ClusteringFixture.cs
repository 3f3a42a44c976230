using System.Collections.Concurrent;
using FacePing.Core.Inference;
using FacePing.Core.Storage.Scan;
using FacePing.Ingestion;
using FacePing.Ingestion.Clustering;
using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FacePing.Tests.Clustering;

/// <summary>
/// Redis 8, the Inference service on the real models (in-process), the Api and the Ingestion worker that runs cluster
/// jobs, started once for the collection. The worker's progress reports can be slowed per tenant
/// (<see cref="Pace"/>), so a test can watch a job while it runs.
/// </summary>
public sealed class ClusteringFixture : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();
    public InferenceAppFactory Inference { get; } = new();
    public ApiFactory Api { get; private set; } = null!;
    public WorkerFactory Worker { get; private set; } = null!;

    /// <summary>Delay added to every progress report of a tenant's cluster jobs.</summary>
    public ConcurrentDictionary<string, TimeSpan> Pace { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        await Inference.StartAsync();
        var settings = new Dictionary<string, string?> { ["services:inference:http:0"] = "http://localhost" };
        Api = new ApiFactory(Redis.ConnectionString, settings, builder => builder.ConfigureTestServices(services =>
            services.AddHttpClient<InferenceClient>()
                .ConfigurePrimaryHttpMessageHandler(() => Inference.Server.CreateHandler())));
        await Api.StartAsync();
        Worker = new WorkerFactory(Redis.ConnectionString, this);
        await Worker.StartAsync();
    }

    /// <summary>The Api's scan copies (in-memory group copies).</summary>
    public ScanIndex Scan => Api.Services.GetRequiredService<ScanIndex>();

    public async Task DisposeAsync()
    {
        if (Worker is not null) await Worker.DisposeAsync();
        if (Api is not null) await Api.DisposeAsync();
        await Inference.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>
    /// The real Ingestion host (its worker starts with it); progress reports go through <see cref="PacedProgress"/>.
    /// </summary>
    public sealed class WorkerFactory(string redis, ClusteringFixture fixture)
        : WebApplicationFactory<IngestionEntryPoint>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:redis", redis);
            builder.UseSetting("services:inference:http:0", "http://localhost");
            builder.UseSetting("FacePing:Ingestion:PollInterval", "00:00:00.050");
            builder.ConfigureTestServices(services =>
            {
                services.AddHttpClient<InferenceClient>()
                    .ConfigurePrimaryHttpMessageHandler(() => fixture.Inference.Server.CreateHandler());
                services.AddSingleton<IClusterProgress>(sp =>
                    new PacedProgress(ActivatorUtilities.CreateInstance<JobHashProgress>(sp), fixture.Pace));
            });
        }
    }

    private sealed class PacedProgress(IClusterProgress inner, ConcurrentDictionary<string, TimeSpan> pace)
        : IClusterProgress
    {
        public async Task ReportAsync(string tenant, string jobId, int processed, CancellationToken cancellationToken)
        {
            await inner.ReportAsync(tenant, jobId, processed, cancellationToken);
            if (pace.TryGetValue(tenant, out var delay)) await Task.Delay(delay, cancellationToken);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusteringCollection : ICollectionFixture<ClusteringFixture>
{
    public const string Name = "Clustering";
}
