using FacePing.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var publishing = builder.ExecutionContext.IsPublishMode;

var adminKey = builder.AddParameter("admin-key", secret: true);
var redis = builder.AddFacePingRedis();

// Run mode reads the provisioned models from the repository; a published Inference carries them in its own folder
// (FacePing.Inference.csproj copies .cache/models into the publish output), so its container needs no download.
var inference = builder.AddProject<Projects.FacePing_Inference>("inference")
    .WithHttpHealthCheck("/health");
if (!publishing)
    inference.WithEnvironment("FacePing__Models__Directory",
        Path.Combine(builder.RepositoryRoot(), ".cache", "models"));

// FTP passwords, Drive keys and webhook secrets are sealed in Redis with a Data Protection key ring that the Api
// (which seals) and the worker (which unseals) share, outside Redis (docs/hardening.md). Run mode keeps it in
// .cache; a deployment mounts one share at the same path in both (docs/deploy.md).
var keyRing = publishing
    ? DeployedKeyRing
    : Path.Combine(builder.RepositoryRoot(), ".cache", "data-protection-keys");

var api = builder.AddProject<Projects.FacePing_Api>("api")
    .WithRedis(redis)
    .WithEnvironment("FacePing__Secrets__KeyDirectory", keyRing)
    .WithReference(inference).WaitFor(inference)
    .WithEnvironment("FacePing__AdminKey", adminKey)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

// The console: a web app for trying, managing and watching FacePing. It calls the Api like any other client, with the
// key a person signs in with, so it holds no secret of its own.
builder.AddProject<Projects.FacePing_Console>("console")
    .WithReference(api).WaitFor(api)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

var ingestion = builder.AddProject<Projects.FacePing_Ingestion>("ingestion")
    .WithRedis(redis)
    .WithEnvironment("FacePing__Secrets__KeyDirectory", keyRing)
    .WithReference(inference).WaitFor(inference)
    .WithHttpHealthCheck("/health");

if (publishing)
{
    // A deployment sends its e-mails through a real relay, asked for at deploy time.
    ingestion
        .WithEnvironment("FacePing__Smtp__Host", builder.AddParameter("smtp-host"))
        .WithEnvironment("FacePing__Smtp__Port", builder.AddParameter("smtp-port", "587", publishValueAsDefault: true))
        .WithEnvironment("FacePing__Smtp__From", builder.AddParameter("smtp-from"))
        .WithEnvironment("FacePing__Smtp__Username", builder.AddParameter("smtp-username"))
        .WithEnvironment("FacePing__Smtp__Password", builder.AddParameter("smtp-password", secret: true));
}
else if (builder.AddSmtpCatcher() is { } mail)
{
    ingestion
        .WithEnvironment("FacePing__Smtp__Host", "127.0.0.1")
        .WithEnvironment("FacePing__Smtp__Port", SmtpCatcherExtensions.SmtpPort.ToString())
        .WaitFor(mail);
}

builder.Build().Run();

internal partial class Program
{
    /// <summary>Where a deployment mounts the key-ring share in the api and ingestion containers.</summary>
    private const string DeployedKeyRing = "/mnt/faceping-keys";
}
