using System.Net.Http.Headers;
using FacePing.Ingestion;
using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.EndToEnd;
using FacePing.Tests.Ingestion.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace FacePing.Tests.Console;

/// <summary>
/// Everything the console touches, real and on 127.0.0.1: Redis 8, the Inference service, the Api and the console as
/// HTTP servers (the console finding the Api through <c>services:api:http:0</c>), the Ingestion worker, an FTP server
/// over a fixture folder, and Debian's Chromium driven by Playwright. Started once for the collection.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>
    /// A slow per-tenant refill with a large burst: no test comes near it by clicking, and one can spend it on purpose
    /// to see the console show a 429 and its Retry-After.
    /// </summary>
    public const int RateLimitBurst = 120;

    public RedisServer Redis { get; } = new();
    public InferenceAppFactory Inference { get; } = new();
    public IngestFolder Folder { get; } = new();
    public ApiFactory Api { get; private set; } = null!;
    public WorkerHost Worker { get; private set; } = null!;
    public FtpTestServer Ftp { get; private set; } = null!;
    public ConsoleFactory ConsoleApp { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public Uri ApiUrl { get; } = new($"http://127.0.0.1:{RedisServer.FreePort()}");
    public Uri ConsoleUrl { get; } = new($"http://127.0.0.1:{RedisServer.FreePort()}");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException(
                $"{Chromium} is missing: run ./test.sh (eng/setup.sh --test installs Debian's chromium).");
        await Redis.InitializeAsync();

        var inferencePort = RedisServer.FreePort();
        Inference.UseKestrel(inferencePort);
        await Inference.StartAsync();
        var inferenceUrl = $"http://127.0.0.1:{inferencePort}";

        Api = new ApiFactory(Redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = inferenceUrl,
            ["FacePing:RateLimit:PermitsPerSecond"] = "2",
            ["FacePing:RateLimit:Burst"] = RateLimitBurst.ToString(),
        });
        Api.UseKestrel(ApiUrl.Port);
        await Api.StartAsync();

        Ftp = await FtpTestServer.StartAsync(Folder.Path);
        Worker = new WorkerHost(Redis.ConnectionString, inferenceUrl);
        await Worker.StartAsync();

        ConsoleApp = new ConsoleFactory(ApiUrl.ToString().TrimEnd('/'));
        ConsoleApp.UseKestrel(ConsoleUrl.Port);
        await ConsoleApp.StartAsync();

        await WarmUpAsync();

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Playwright gives each launch a fresh, empty profile; these keep Chromium off the (closed) network.
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public const string Chromium = "/usr/bin/chromium";

    /// <summary>
    /// One crowd photo through the Api and the console's first page, before any test: the models load and the code
    /// paths compile here, not inside the first test's waits.
    /// </summary>
    private async Task WarmUpAsync()
    {
        using var api = await TenantClientAsync();
        var crowd = await File.ReadAllBytesAsync(RepoPaths.Face("bald_guys.jpg"));
        using var form = new MultipartFormDataContent { { new ByteArrayContent(crowd), "image", "crowd.jpg" } };
        using var detect = await api.PostAsync("/faces/detect", form);
        detect.EnsureSuccessStatusCode();
        using var console = new HttpClient { BaseAddress = ConsoleUrl };
        using var page = await console.GetAsync("/");
        page.EnsureSuccessStatusCode();
    }

    /// <summary>A key for a tenant of its own, so tests never see each other's groups or jobs.</summary>
    public async Task<string> NewTenantKeyAsync(string name = "console test") =>
        (await Api.CreateTenantAsync(name)).Key;

    /// <summary>
    /// An HttpClient to the Api over its real port, as a new tenant (or with <paramref name="key"/>).
    /// </summary>
    public async Task<HttpClient> TenantClientAsync(string? key = null)
    {
        var client = new HttpClient { BaseAddress = ApiUrl };
        key ??= await NewTenantKeyAsync();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>The Api over its real port through FacePing.Client, with <paramref name="key"/>.</summary>
    public FacePing.Client.FacePingClient ClientFor(string key) => FacePing.Client.FacePingClient.Create(
        new FacePing.Client.FacePingClientOptions { Endpoint = ApiUrl, ApiKey = key, MaxRetries = 0 });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (ConsoleApp is not null) await ConsoleApp.DisposeAsync();
        if (Worker is not null) await Worker.DisposeAsync();
        if (Api is not null) await Api.DisposeAsync();
        await Inference.DisposeAsync();
        if (Ftp is not null) await Ftp.DisposeAsync();
        Folder.Dispose();
        await Redis.DisposeAsync();
    }

    /// <summary>
    /// The Ingestion host with the worker settings of the ingestion end-to-end tests, reaching Inference over HTTP (the
    /// Inference here listens on Kestrel, so it has no in-process handler to plug in).
    /// </summary>
    public sealed class WorkerHost(string redis, string inferenceUrl) : WebApplicationFactory<IngestionEntryPoint>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:redis", redis);
            builder.UseSetting("services:inference:http:0", inferenceUrl);
            foreach (var (key, value) in IngestionFixture.WorkerSettings(thumbprint: null, drive: null, smtp: null))
                builder.UseSetting(key, value);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Console";
}
