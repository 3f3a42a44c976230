using FacePing.Contracts.Problems;
using FacePing.Inference.Endpoints;
using FacePing.Inference.Pipeline;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemCatalogue.Complete);
builder.AddFacePipeline();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages(ProblemExtensions.WriteStatusCodePageAsync);
app.MapDefaultEndpoints();
app.MapAnalyzeApi();
app.Run();

namespace FacePing.Inference
{
    /// <summary>Marks this assembly for test hosts (WebApplicationFactory).</summary>
    public sealed class InferenceEntryPoint;
}
