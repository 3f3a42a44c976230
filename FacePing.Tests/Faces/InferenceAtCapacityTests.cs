using System.Net;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using static FacePing.Tests.Faces.FaceRequests;

namespace FacePing.Tests.Faces;

/// <summary>
/// When the Inference service sheds a request (its pixel budget is full: 503 + Retry-After), the Api answers the
/// caller 503 with that Retry-After, so clients wait as long as the service asked.
/// </summary>
public sealed class InferenceAtCapacityTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task The_api_passes_the_inference_services_503_and_retry_after_through()
    {
        var port = RedisServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var shedding = builder.Build();
        var calls = 0;
        shedding.Run(async context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "7";
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync("""{"status":503,"title":"Service unavailable"}""");
        });
        await shedding.StartAsync();
        await using var api = new ApiFactory(redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = $"http://127.0.0.1:{port}",
        });
        using var client = await api.CreateTenantClientAsync();

        var image = FacesFixture.Crop("Willis", 0);
        using var response = await client.PostAsync("/vector/generate", Form(("image", image)));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Contains("capacity", problem.GetProperty("detail").GetString());
        Assert.True(calls >= 1, "the Api never called the Inference service");
    }
}
