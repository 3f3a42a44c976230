using System.Net;
using System.Net.Http.Json;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Api;

/// <summary>Own Redis and host (<see cref="OwnRedisApi"/>): this test kills Redis.</summary>
public sealed class RedisOutageTests(OwnRedisApi own, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<OwnRedisApi>
{
    [Fact]
    public async Task Redis_down_is_503_with_retry_after_and_recovers()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var client = await own.Api.CreateTenantClientAsync();
        using (var created = await client.PostAsync("/groups/g", null))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        own.Redis.Kill();
        output.WriteLine($"killed at {watch.ElapsedMilliseconds} ms");
        using (var down = await client.PostAsJsonAsync("/groups/g/vector", new { vectorString = "1,2" }))
        {
            await ProblemAssert.IsProblem(down, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(down.Headers.RetryAfter);
        }
        using (var admin = own.Api.CreateAdminClient())
        using (var down = await admin.GetAsync("/admin/keys"))
            await ProblemAssert.IsProblem(down, HttpStatusCode.ServiceUnavailable);
        using (var health = await own.Api.CreateClient().GetAsync("/health"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);

        output.WriteLine($"restarting at {watch.ElapsedMilliseconds} ms");
        // same port (AOF may lose the last second of writes: this checks service, not data)
        await own.Redis.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            using var again = await client.GetAsync("/groups");
            status = again.StatusCode;
        } while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
        output.WriteLine($"outage test took {watch.ElapsedMilliseconds} ms");
    }
}
