using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;
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
            [$"FacePing:LocalRedisPort={redisPort}", "FacePing:RedisMode=local", "FacePing:SmtpCatcher=false"],
            timeout.Token);
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

/// <summary>
/// FacePing:Redis:Replicas gives the local AppHost the high-availability shape (the model only; nothing is started):
/// a primary, its replicas and three Sentinels, all the provisioned redis-server with the shipped configuration, and
/// Api and Ingestion on the Sentinel connection string, so they follow a failover rehearsed from the dashboard.
/// </summary>
public sealed class AppHostHighAvailabilityTests
{
    [Fact]
    public async Task Replicas_setting_adds_replicas_and_sentinels_and_points_services_at_the_sentinels()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var redisPort = RedisServer.FreePort();
        var haDir = Directory.CreateTempSubdirectory("faceping-apphost-ha-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FacePing_AppHost>(
            [$"FacePing:LocalRedisPort={redisPort}", "FacePing:LocalSentinelPort=26590", "FacePing:RedisMode=local",
             $"FacePing:Redis:HaDirectory={haDir}", "FacePing:SmtpCatcher=false", "FacePing:Redis:Replicas=2",
             "FacePing:Store:Durability=replica"], timeout.Token);

        try
        {
            var executables = builder.Resources.OfType<ExecutableResource>().ToDictionary(r => r.Name);
            string[] names =
            [
                "redis", "redis-replica-1", "redis-replica-2", "redis-sentinel-1", "redis-sentinel-2",
                "redis-sentinel-3",
            ];
            foreach (var name in names)
                Assert.True(executables.ContainsKey(name), name + " missing");
            Assert.False(executables.ContainsKey("redis-replica-3"));

            var replicaArgs = await ArgsAsync(executables["redis-replica-1"]);
            Assert.EndsWith(".conf", replicaArgs[0]); // its own node file: Sentinel rewrites it on a failover
            Assert.Contains($"replicaof 127.0.0.1 {redisPort}", await File.ReadAllTextAsync(replicaArgs[0]));
            Assert.Contains("--appendonly", replicaArgs); // the shipped configuration
            Assert.Equal((redisPort + 1).ToString(), replicaArgs[replicaArgs.IndexOf("--port") + 1]);
            var sentinelArgs = await ArgsAsync(executables["redis-sentinel-2"]);
            Assert.Equal("--sentinel", sentinelArgs[^1]);
            var sentinelConf = await File.ReadAllTextAsync(sentinelArgs[0]);
            Assert.Contains("port 26591", sentinelConf);
            Assert.Contains($"sentinel monitor faceping 127.0.0.1 {redisPort} 2", sentinelConf);

            foreach (var service in new[] { "api", "ingestion" })
            {
                var project = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == service);
                var env = (await ConfigurationAsync(project)).EnvironmentVariables.ToDictionary();
                Assert.Equal("127.0.0.1:26590,127.0.0.1:26591,127.0.0.1:26592,serviceName=faceping,abortConnect=false",
                    env["ConnectionStrings__redis"]);
                Assert.Equal("replica", env["FacePing__Store__Durability"]);
            }
        }
        finally
        {
            Directory.Delete(haDir, recursive: true);
        }
    }

    // The model's arguments and environment without starting anything. Resolved as for a manifest: run mode would wait
    // for endpoints (the Inference reference) that only a started application allocates; the literal values asserted
    // here are the same either way.
    private static async Task<IExecutionConfigurationResult> ConfigurationAsync(IResource resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await ExecutionConfigurationBuilder.Create(resource)
            .WithArgumentsConfig()
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish),
                NullLogger.Instance, timeout.Token);
        if (result.Exception is { } e) throw e;
        return result;
    }

    private static async Task<List<string>> ArgsAsync(ExecutableResource resource) =>
        (await ConfigurationAsync(resource)).Arguments.Select(a => a.Value).ToList();
}
