using FacePing.Ingestion.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// The store registers its own Redis health check, which says which failure is going on (RedisStoreHealthCheck).
builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true);
builder.Services.AddProblemDetails();
builder.AddIngestion();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

namespace FacePing.Ingestion
{
    /// <summary>Marks this assembly for test hosts (WebApplicationFactory).</summary>
    public sealed class IngestionEntryPoint;
}
