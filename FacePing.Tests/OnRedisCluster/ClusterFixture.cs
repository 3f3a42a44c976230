using FacePing.Core.Inference;
using FacePing.Core.Storage;
using FacePing.Core.Storage.Scan;
using FacePing.Tests.Faces;
using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.EndToEnd;
using FacePing.Tests.Ingestion.Fakes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FacePing.Tests.OnRedisCluster;

/// <summary>
/// FacePing scaled out on a Redis 8 Cluster of three masters: two Api hosts (A and B, separate processes as far as
/// FacePing is concerned: each has its own connection, scan copies and caches), one Inference host on the real models,
/// the real Ingestion worker, and an FTP server over a fixture folder. Every host is given the cluster connection
/// string listing all three nodes.
/// </summary>
/// <remarks>
/// Inference runs in-process (TestServer) and all three hosts reach it through its handler, as
/// <see cref="IngestionFactory"/> does: a factory started on Kestrel cannot hand out a TestServer handler, and one
/// Inference host for everything keeps the start-up (ONNX sessions) paid once.
/// </remarks>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>
    /// Extra face photos in the FTP folder, crops of bald_guys.jpg (another crop of the same person finds them).
    /// </summary>
    public static readonly (string FileName, string Person, int Crop)[] CroppedFaces =
        [("statham.jpg", "Statham", 0), ("diesel.jpg", "Diesel", 1)];

    public RedisCluster Redis { get; } = new();
    public InferenceAppFactory Inference { get; } = new();
    public IngestFolder Folder { get; } = new(withBadFiles: false);
    public ApiFactory ApiA { get; private set; } = null!;
    public ApiFactory ApiB { get; private set; } = null!;
    public IngestionFactory Ingestion { get; private set; } = null!;
    public FtpTestServer Ftp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        foreach (var (fileName, person, crop) in CroppedFaces)
            await File.WriteAllBytesAsync(Path.Combine(Folder.Path, fileName), FacesFixture.Crop(person, crop));
        Ftp = await FtpTestServer.StartAsync(Folder.Path);
        await Inference.StartAsync();
        ApiA = NewApi();
        ApiB = NewApi();
        await ApiA.StartAsync();
        await ApiB.StartAsync();
        Ingestion = await new IngestionFactory(Redis.ConnectionString, Inference,
            IngestionFixture.WorkerSettings(null, null, null)).StartAsync();
    }

    private ApiFactory NewApi()
    {
        var settings = IngestionFixture.ApiSettings();
        // Service discovery resolves http://inference to this; the in-process handler answers whatever the host.
        settings["services:inference:http:0"] = "http://localhost";
        return new ApiFactory(Redis.ConnectionString, settings, builder => builder.ConfigureTestServices(services =>
            services.AddHttpClient<InferenceClient>()
                .ConfigurePrimaryHttpMessageHandler(() => Inference.Server.CreateHandler())));
    }

    /// <summary>The scan copies (in-memory group copies) of one Api host.</summary>
    public static ScanIndex ScanOf(ApiFactory api) => api.Services.GetRequiredService<ScanIndex>();

    /// <summary>
    /// The image files of the FTP folder the worker imports (by name; the nested folder and notes.txt are not).
    /// </summary>
    public IReadOnlyList<string> FtpImages => [.. IngestFolder.FacePhotos, .. CroppedFaces.Select(f => f.FileName)];

    /// <summary>
    /// A tenant id <c>{label}-{n}</c> (smallest n) whose keys, all under the hash tag <c>{t:tenant}</c>, live on the
    /// master listening on <paramref name="port"/>.
    /// </summary>
    public async Task<string> TenantOnAsync(int port, string label)
    {
        for (var n = 0; n < 10_000; n++)
        {
            var tenant = $"{label}-{n}";
            if (await Redis.MasterPortOfAsync(new StoreKeys(tenant).Groups) == port) return tenant;
        }
        throw new InvalidOperationException($"no tenant '{label}-n' hashes to the master on {port}");
    }

    /// <summary>A new tenant on the master on <paramref name="port"/>, with a client for it on each Api host.</summary>
    public async Task<(string Tenant, HttpClient A, HttpClient B)> TenantClientsAsync(int port, string label)
    {
        var tenant = await TenantOnAsync(port, label);
        var key = await ApiA.CreateTenantAsync(label, tenant);
        Assert.Equal(tenant, key.TenantId);
        return (tenant, ApiA.CreateClient(key.Key), ApiB.CreateClient(key.Key));
    }

    public async Task DisposeAsync()
    {
        // Null-safe: a start-up that failed half-way still stops what it started.
        if (Ingestion is not null) await Ingestion.DisposeAsync();
        if (ApiB is not null) await ApiB.DisposeAsync();
        if (ApiA is not null) await ApiA.DisposeAsync();
        await Inference.DisposeAsync();
        if (Ftp is not null) await Ftp.DisposeAsync();
        Folder.Dispose();
        await Redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Redis Cluster scale-out";
}
