using FacePing.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var adminKey = builder.AddParameter("admin-key", secret: true);
var redis = builder.AddFacePingRedis();

var inference = builder.AddProject<Projects.FacePing_Inference>("inference")
    .WithEnvironment("FacePing__Models__Directory", Path.Combine(builder.RepositoryRoot(), ".cache", "models"))
    .WithHttpHealthCheck("/health");

var api = builder.AddProject<Projects.FacePing_Api>("api")
    .WithRedis(redis)
    .WithReference(inference).WaitFor(inference)
    .WithEnvironment("FacePing__AdminKey", adminKey)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

var ingestion = builder.AddProject<Projects.FacePing_Ingestion>("ingestion")
    .WithRedis(redis)
    .WithReference(inference).WaitFor(inference)
    .WithHttpHealthCheck("/health");

if (builder.AddSmtpCatcher() is { } mail)
{
    ingestion
        .WithEnvironment("FacePing__Smtp__Host", "127.0.0.1")
        .WithEnvironment("FacePing__Smtp__Port", SmtpCatcherExtensions.SmtpPort.ToString())
        .WaitFor(mail);
}

builder.Build().Run();
