using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Ingestion.EndToEnd;

/// <summary>
/// Everything a folder import touches, real and on 127.0.0.1: Redis 8, the Api, the Inference service on the real
/// models, the Ingestion worker, an FTP and an FTPS server over a fixture folder, a fake Google (token + Drive),
/// and an SMTP server. Started once for the collection.
/// </summary>
public sealed class IngestionFixture : IAsyncLifetime
{
    public const string DriveFolderId = "1DriveFolder_fixture-A";

    public RedisServer Redis { get; } = new();
    public IngestFolder Folder { get; } = new();
    public InferenceAppFactory Inference { get; } = new();
    public ApiFactory Api { get; private set; } = null!;
    public IngestionFactory Ingestion { get; private set; } = null!;
    public FtpTestServer Ftp { get; private set; } = null!;
    public FtpTestServer Ftps { get; private set; } = null!;
    public FakeGoogleDrive Drive { get; private set; } = null!;
    public SmtpTestServer Smtp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Ftp = await FtpTestServer.StartAsync(Folder.Path);
        Ftps = await FtpTestServer.StartAsync(Folder.Path, tls: true);
        Drive = await FakeGoogleDrive.StartAsync();
        Drive.AddFolder(DriveFolderId, Folder);
        Smtp = new SmtpTestServer();
        Api = new ApiFactory(Redis.ConnectionString, ApiSettings());
        await Api.StartAsync();
        Ingestion = await new IngestionFactory(Redis.ConnectionString, Inference,
            WorkerSettings(Ftps.CertificateThumbprint!, Drive, Smtp)).StartAsync();
    }

    public static Dictionary<string, string?> ApiSettings() => new()
    {
        ["FacePing:Callbacks:AllowedHosts:0"] = "127.0.0.1",
    };

    public static Dictionary<string, string?> WorkerSettings(string? thumbprint, FakeGoogleDrive? drive,
        SmtpTestServer? smtp)
    {
        var settings = new Dictionary<string, string?>
        {
            ["FacePing:Ingestion:Concurrency"] = "2",
            ["FacePing:Ingestion:PollInterval"] = "00:00:00.100",
            ["FacePing:Ftp:AllowedHosts:0"] = "127.0.0.1",
            ["FacePing:Ftp:ReadTimeout"] = "00:00:10",
            ["FacePing:Callbacks:AllowedHosts:0"] = "127.0.0.1",
            ["FacePing:Callbacks:FirstRetryDelay"] = "00:00:00.100",
            ["FacePing:Callbacks:Timeout"] = "00:00:05",
        };
        if (thumbprint is not null) settings["FacePing:Ftp:TrustedCertificateThumbprints:0"] = thumbprint;
        if (drive is not null)
        {
            settings["FacePing:Drive:BaseUrl"] = drive.BaseUrl.ToString();
            settings["FacePing:Drive:AllowedTokenUris:0"] = drive.TokenUri;
        }
        if (smtp is not null)
        {
            settings["FacePing:Smtp:Host"] = "127.0.0.1";
            settings["FacePing:Smtp:Port"] = smtp.Port.ToString();
            settings["FacePing:Smtp:Security"] = "None";
            settings["FacePing:Smtp:From"] = "faceping@faceping.test";
        }
        return settings;
    }

    public async Task DisposeAsync()
    {
        await Ingestion.DisposeAsync();
        await Api.DisposeAsync();
        await Inference.DisposeAsync();
        await Smtp.DisposeAsync();
        await Drive.DisposeAsync();
        await Ftps.DisposeAsync();
        await Ftp.DisposeAsync();
        Folder.Dispose();
        await Redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class IngestionCollection : ICollectionFixture<IngestionFixture>
{
    public const string Name = "Ingestion end to end";
}
