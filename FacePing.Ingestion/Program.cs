var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

namespace FacePing.Ingestion
{
    /// <summary>Marks this assembly for test hosts (WebApplicationFactory).</summary>
    public sealed class IngestionEntryPoint;
}
