using FacePing.Client;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FacePing.Tests.Clients;

/// <summary>
/// <c>builder.AddFacePingClient("api")</c> as an Aspire app uses it: the Api found by service discovery or a connection
/// string, the key from configuration, options checked at start-up, and retries in one layer only.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class ClientRegistrationTests(ClientFixture fx)
{
    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public async Task Service_discovery_finds_the_Api_and_the_key_comes_from_configuration()
    {
        var key = (await fx.NewTenantAsync()).Key;
        var builder = Builder(new()
        {
            // What the AppHost's WithReference(api) gives a project: its endpoints, no https one here.
            ["services:api:http:0"] = fx.ApiUrl.ToString(),
            ["FacePing:ApiKey"] = key,
        });
        builder.AddFacePingClient("api");
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<FacePingClient>();
        var group = await client.Groups.CreateAsync("discovered");
        Assert.Equal("discovered", group.Name);
        Assert.Contains(await client.Groups.ListAsync(), g => g.Name == "discovered");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_connection_string_gives_endpoint_and_key()
    {
        var key = (await fx.NewTenantAsync()).Key;
        var builder = Builder(new()
        {
            ["ConnectionStrings:faceping"] = $"Endpoint={fx.ApiUrl};Key={key}",
        });
        builder.AddFacePingClient("faceping");
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<FacePingClient>();
        Assert.Empty(await client.Groups.ListAsync());
        var options = host.Services.GetRequiredService<IOptions<FacePingClientOptions>>().Value;
        Assert.Equal(key, options.ApiKey);
    }

    [Fact]
    public async Task Options_that_cannot_work_stop_the_app_at_start_up()
    {
        var builder = Builder(new() { ["FacePing:MaxRetries"] = "50", ["FacePing:Endpoint"] = "http://a" });
        builder.AddFacePingClient();
        using var host = builder.Build();
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("FacePing:MaxRetries", failure.Message);
    }

    [Fact]
    public async Task The_apps_default_resilience_handler_does_not_retry_on_top_of_the_clients_own()
    {
        // An Api answering every photo 503 + Retry-After 5 (its Inference service is not there), on a real port.
        var apiUrl = new Uri($"http://127.0.0.1:{RedisServer.FreePort()}");
        await using var api = new ApiFactory(fx.Redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = $"http://127.0.0.1:{RedisServer.FreePort()}",
        });
        api.UseKestrel(apiUrl.Port);
        await api.StartAsync();
        var key = (await api.CreateTenantAsync("defaults")).Key;

        var builder = Builder(new()
        {
            ["services:api:http:0"] = apiUrl.ToString(),
            ["FacePing:ApiKey"] = key,
            ["FacePing:MaxRetries"] = "1",
        });
        // What the Aspire template's service defaults do for every HttpClient of an app.
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        var recorder = new AttemptRecorder();
        builder.AddFacePingClient("api").AddHttpMessageHandler(() => new AttemptRecorder.Forwarding(recorder));
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<FacePingClient>();
        await client.Groups.CreateAsync("people");
        var problem = await Assert.ThrowsAsync<FacePingException>(() =>
            client.Faces.StoreAsync("people", FaceImage.FromFile(fx.StathamA)));
        Assert.Equal(503, problem.Status);
        // One retry (MaxRetries = 1) after the Api's 5 s, and no more: the standard handler would have tried 4 times.
        var attempts = recorder.Of("POST", "/groups/people/face");
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].IdempotencyKey, attempts[1].IdempotencyKey);
    }
}
