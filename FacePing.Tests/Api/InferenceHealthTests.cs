using System.Net;
using System.Text.Json;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace FacePing.Tests.Api;

/// <summary>The Api's readiness includes the inference service exactly when one is configured.</summary>
public sealed class InferenceHealthTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task No_inference_configured_means_no_inference_check()
    {
        await using var api = new ApiFactory(redis.ConnectionString);
        var (status, checks) = await Health(api);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(checks.TryGetProperty("inference", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-short")]
    public async Task Start_up_fails_without_a_valid_admin_key(string adminKey)
    {
        var e = await StartupFailure.CaptureAsync(
            () => new ApiFactory(redis.ConnectionString,
                new Dictionary<string, string?> { ["FacePing:AdminKey"] = adminKey }),
            api => _ = api.Server);
        Assert.Contains("FacePing:AdminKey", e.ToString());
    }

    [Fact]
    public async Task Reachable_inference_is_healthy_and_unreachable_is_503()
    {
        var port = RedisServer.FreePort();
        var fake = WebApplication.CreateSlimBuilder();
        fake.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var inference = fake.Build();
        var healthy = true;
        inference.MapGet("/health", () => healthy ? Results.Ok("Healthy") : Results.StatusCode(503));
        await inference.StartAsync();

        await using var api = new ApiFactory(redis.ConnectionString,
            new Dictionary<string, string?> { ["services:inference:http:0"] = $"http://127.0.0.1:{port}" });
        var (status, checks) = await Health(api);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", checks.GetProperty("inference").GetProperty("status").GetString());

        healthy = false;
        (status, checks) = await Health(api);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", checks.GetProperty("inference").GetProperty("status").GetString());

        await inference.StopAsync();
        (status, checks) = await Health(api);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", checks.GetProperty("inference").GetProperty("status").GetString());
    }

    private static async Task<(HttpStatusCode, JsonElement)> Health(ApiFactory api)
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/health");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, json.GetProperty("checks"));
    }
}
