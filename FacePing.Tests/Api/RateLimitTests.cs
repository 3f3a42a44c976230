using System.Net;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Api;

public sealed class RateLimitTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_tenant_over_budget_gets_429_with_retry_after_and_others_are_unaffected()
    {
        await using var api = new ApiFactory(redis.ConnectionString, new Dictionary<string, string?>
        {
            ["FacePing:RateLimit:PermitsPerSecond"] = "1",
            ["FacePing:RateLimit:Burst"] = "5",
        });
        using var busy = await api.CreateTenantClientAsync("busy");
        using var quiet = await api.CreateTenantClientAsync("quiet");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 12 && limited is null; i++)
        {
            var response = await busy.GetAsync("/groups");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else response.Dispose();
        }
        Assert.NotNull(limited);
        using (limited)
        {
            await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 5, string.Join(",", statuses));

        using (var other = await quiet.GetAsync("/groups")) Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using var admin = api.CreateAdminClient();
        using (var adminResponse = await admin.GetAsync("/admin/keys"))
            Assert.Equal(HttpStatusCode.OK, adminResponse.StatusCode);
    }
}
