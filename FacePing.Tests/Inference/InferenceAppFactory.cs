using FacePing.Inference;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FacePing.Tests.Inference;

/// <summary>The Inference service in-process, on the real models.</summary>
public sealed class InferenceAppFactory : WebApplicationFactory<InferenceEntryPoint>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("FacePing:Models:Directory", RepoPaths.Models);
        builder.UseEnvironment("Testing");
    }
}
