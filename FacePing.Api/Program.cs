var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

namespace FacePing.Api
{
    /// <summary>Marks this assembly for test hosts (WebApplicationFactory).</summary>
    public sealed class ApiEntryPoint;
}
