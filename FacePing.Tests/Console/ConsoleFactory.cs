using FacePing.Console;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FacePing.Tests.Console;

/// <summary>
/// The console in-process on Kestrel, finding the Api through <c>services:api:http:0</c> as under the AppHost.
/// </summary>
public sealed class ConsoleFactory(string apiUrl) : WebApplicationFactory<ConsoleEntryPoint>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("services:api:http:0", apiUrl);
        // Outside Development the framework's own files (blazor.web.js) come from a publish folder; a test runs the
        // build output, so it reads them where the build lists them, as `dotnet run` does.
        builder.UseStaticWebAssets();
    }
}
