using System.Net;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using static FacePing.Tests.Faces.FaceRequests;

namespace FacePing.Tests.Faces;

/// <summary>
/// With the Inference service unreachable the image endpoints answer 503 with Retry-After, and do not hang.
/// </summary>
public sealed class InferenceDownTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Image_endpoints_answer_503_when_inference_is_down()
    {
        await using var api = new ApiFactory(redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = $"http://127.0.0.1:{RedisServer.FreePort()}", // nothing listens there
        });
        using var client = await api.CreateTenantClientAsync();
        var image = FacesFixture.Crop("Willis", 0);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.PostAsync("/vector/generate", Form(("image", image)), timeout.Token);
        await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter is not null, "503 without Retry-After");
        // One retry layer: the Api does not retry a refused connection (the client does, after Retry-After), so the
        // answer comes at once instead of after a handler's backoff.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"503 took {clock.Elapsed}");
    }
}
