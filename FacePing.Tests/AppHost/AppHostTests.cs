using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.AppHost;

/// <summary>The whole distributed application as an operator starts it: every resource reaches Healthy.</summary>
public sealed class AppHostTests
{
    [Fact]
    public async Task All_resources_start_and_report_healthy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var redisPort = RedisServer.FreePort();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FacePing_AppHost>(
            [$"FacePing:LocalRedisPort={redisPort}", "FacePing:RedisMode=local", "FacePing:SmtpCatcher=false"], timeout.Token);
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        foreach (var name in new[] { "redis", "inference", "api", "ingestion", "console" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }

        using var api = app.CreateHttpClient("api");
        using var health = await api.GetAsync("/health", timeout.Token);
        var body = await health.Content.ReadAsStringAsync(timeout.Token);
        Assert.True(health.IsSuccessStatusCode, body);
        Assert.Contains("\"Healthy\"", body);

        using var anonymous = await api.GetAsync("/groups", timeout.Token);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // The console serves its Blazor shell (pages render in the circuit, so the script is what there is to see).
        using var console = app.CreateHttpClient("console");
        using var page = await console.GetAsync("/", timeout.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("_framework/blazor.web", await page.Content.ReadAsStringAsync(timeout.Token));
    }
}
