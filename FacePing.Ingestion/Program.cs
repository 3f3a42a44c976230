using FacePing.Ingestion.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRedisClient("redis");
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
