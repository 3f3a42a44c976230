using FacePing.Client;
using FacePing.Tests.Console;
using FacePing.Tests.Faces;
using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Clients;

/// <summary>
/// What the clients talk to, real and on 127.0.0.1 ports (a Node process and a packed consumer project reach it too):
/// Redis 8, the Inference service on the real models, the Api, a second Api over the same Redis with a tiny rate limit
/// (for real 429s with Retry-After), the Ingestion worker and an FTP server over a fixture folder; and a folder of
/// face crops (two of Statham, one of Diesel). Started once for the collection.
/// </summary>
public sealed class ClientFixture : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();
    public InferenceAppFactory Inference { get; } = new();
    public IngestFolder Folder { get; } = new();
    public ApiFactory Api { get; private set; } = null!;
    public ApiFactory LimitedApi { get; private set; } = null!;
    public ConsoleFixture.WorkerHost Worker { get; private set; } = null!;
    public FtpTestServer Ftp { get; private set; } = null!;
    public string Photos { get; } = Directory.CreateTempSubdirectory("faceping-client-photos-").FullName;

    public Uri ApiUrl { get; } = new($"http://127.0.0.1:{RedisServer.FreePort()}");
    public Uri LimitedApiUrl { get; } = new($"http://127.0.0.1:{RedisServer.FreePort()}");

    /// <summary>The limited Api's tenant rate: one request a second, a burst of two.</summary>
    public const int LimitedBurst = 2;

    public string StathamA => Path.Combine(Photos, "statham-a.jpg");
    public string StathamB => Path.Combine(Photos, "statham-b.jpg");
    public string Diesel => Path.Combine(Photos, "diesel.jpg");

    public async Task InitializeAsync()
    {
        await File.WriteAllBytesAsync(StathamA, FacesFixture.Crop("Statham", 0));
        await File.WriteAllBytesAsync(StathamB, FacesFixture.Crop("Statham", 3));
        await File.WriteAllBytesAsync(Diesel, FacesFixture.Crop("Diesel", 1));
        await Redis.InitializeAsync();
        var inferencePort = RedisServer.FreePort();
        Inference.UseKestrel(inferencePort);
        await Inference.StartAsync();
        var inferenceUrl = $"http://127.0.0.1:{inferencePort}";

        Api = new ApiFactory(Redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = inferenceUrl,
            ["FacePing:Callbacks:AllowedHosts:0"] = "127.0.0.1",
        });
        Api.UseKestrel(ApiUrl.Port);
        await Api.StartAsync();
        LimitedApi = new ApiFactory(Redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = inferenceUrl,
            ["FacePing:RateLimit:PermitsPerSecond"] = "1",
            ["FacePing:RateLimit:Burst"] = LimitedBurst.ToString(),
        });
        LimitedApi.UseKestrel(LimitedApiUrl.Port);
        await LimitedApi.StartAsync();

        Ftp = await FtpTestServer.StartAsync(Folder.Path);
        Worker = new ConsoleFixture.WorkerHost(Redis.ConnectionString, inferenceUrl);
        await Worker.StartAsync();

        // The models load and the pipeline compiles here, not inside the first test's timing.
        using var warm = await TenantClientAsync();
        await warm.Faces.DetectAsync(FaceImage.FromFile(StathamA));
    }

    /// <summary>A key of a tenant of its own (so tests never see each other's groups or jobs).</summary>
    public async Task<CreatedApiKey> NewTenantAsync(string name = "client test")
    {
        using var admin = AdminClient();
        return await admin.Admin.CreateKeyAsync(name);
    }

    /// <summary>A client of the Api over its real port, for a new tenant (or with <paramref name="key"/>).</summary>
    public async Task<FacePingClient> TenantClientAsync(string? key = null, FacePingClientOptions? options = null)
    {
        key ??= (await NewTenantAsync()).Key;
        options ??= new FacePingClientOptions();
        options.Endpoint ??= ApiUrl;
        options.ApiKey = key;
        return FacePingClient.Create(options);
    }

    public FacePingClient AdminClient(Uri? url = null) =>
        FacePingClient.Create(new FacePingClientOptions { Endpoint = url ?? ApiUrl, ApiKey = ApiFactory.AdminKey });

    /// <summary>The fixture folder's import through the client: FTP to 127.0.0.1, as a user would enter it.</summary>
    public FtpImport FtpImport(string? callbackUrl = null) => new()
    {
        Host = "127.0.0.1",
        Port = Ftp.Port,
        Username = Ftp.User,
        Password = Ftp.Password,
        FolderPath = "/",
        CallbackUrl = callbackUrl,
    };

    public async Task DisposeAsync()
    {
        if (Worker is not null) await Worker.DisposeAsync();
        if (LimitedApi is not null) await LimitedApi.DisposeAsync();
        if (Api is not null) await Api.DisposeAsync();
        await Inference.DisposeAsync();
        if (Ftp is not null) await Ftp.DisposeAsync();
        Folder.Dispose();
        try { Directory.Delete(Photos, recursive: true); } catch (IOException) { }
        await Redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClientCollection : ICollectionFixture<ClientFixture>
{
    public const string Name = "Clients";
}
