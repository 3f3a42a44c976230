using System.Net;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Security;

/// <summary>Per-tenant token buckets: a tiny limit configured on this test's own Api host.</summary>
public sealed class RateLimitTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private ApiFactory LimitedApi(int permitsPerSecond, int burst) =>
        new(redis.ConnectionString, new Dictionary<string, string?>
        {
            ["FacePing:RateLimit:PermitsPerSecond"] = permitsPerSecond.ToString(),
            ["FacePing:RateLimit:Burst"] = burst.ToString(),
        });

    [Fact]
    public async Task Over_the_burst_a_tenant_gets_429_with_retry_after_and_other_tenants_do_not()
    {
        await using var api = LimitedApi(permitsPerSecond: 1, burst: 3);
        var a = await api.CreateTenantAsync("a");
        var b = await api.CreateTenantAsync("b");
        using var first = api.CreateClient(a.Key);
        using var second = api.CreateClient(b.Key);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await first.GetAsync("/groups");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var limited = await first.GetAsync("/groups"))
        {
            var problem = await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
            Assert.Contains("retry", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.True(retryAfter is { TotalSeconds: >= 1 and <= 2 }, $"Retry-After {retryAfter}");
        }

        // Another key of the same tenant shares the bucket: more keys buy no extra rate.
        var sameTenant = await api.CreateTenantAsync("a2", a.TenantId);
        using (var shared = api.CreateClient(sameTenant.Key))
        using (var limited = await shared.GetAsync("/groups"))
            await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);

        // Another tenant has its own bucket.
        using (var other = await second.GetAsync("/groups")) Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        // Health and docs are never limited.
        using var anonymous = api.CreateClient(key: null);
        for (var i = 0; i < 10; i++)
        {
            using var alive = await anonymous.GetAsync("/alive");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            using var openApi = await anonymous.GetAsync("/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        }

        // The bucket refills: after Retry-After the tenant is served again.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        using (var again = await first.GetAsync("/groups")) Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Rejected_requests_store_nothing()
    {
        await using var api = LimitedApi(permitsPerSecond: 1, burst: 2);
        var tenant = await api.CreateTenantAsync("writer");
        using var client = api.CreateClient(tenant.Key);
        await ApiTestData.CreateGroup(client, "g");
        using (var stored = await client.PostAsync("/groups/g/vector",
            ApiTestData.RawJson("""{"vectorString":"1,2,3"}""")))
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        using (var limited = await client.PostAsync("/groups/g/vector",
            ApiTestData.RawJson("""{"vectorString":"4,5,6"}""")))
            await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal(1, await redis.Db.SortedSetLengthAsync($"{{t:{tenant.TenantId}}}:g:g:ids"));
    }

    [Fact]
    public async Task Generous_defaults_do_not_throttle_normal_use()
    {
        await using var api = new ApiFactory(redis.ConnectionString);
        using var client = await api.CreateTenantClientAsync();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.GetAsync("/groups");
            return response.StatusCode;
        }));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task The_openapi_document_declares_429_on_key_protected_operations()
    {
        await using var api = new ApiFactory(redis.ConnectionString);
        using var client = api.CreateClient(key: null);
        var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var search = document.GetProperty("paths")
            .GetProperty("/groups/{groupName}/vectors/search").GetProperty("post");
        Assert.True(search.GetProperty("responses").TryGetProperty("429", out _),
            search.GetProperty("responses").ToString());
        Assert.True(document.GetProperty("paths").GetProperty("/admin/keys").GetProperty("get").GetProperty("responses")
            .TryGetProperty("429", out _));
    }

    [Theory]
    [InlineData("FacePing:RateLimit:PermitsPerSecond", "0")]
    [InlineData("FacePing:RateLimit:Burst", "-5")]
    [InlineData("FacePing:RateLimit:FailedAuthPerMinute", "0")]
    [InlineData("FacePing:RateLimit:FailedAuthBurst", "-1")]
    public async Task Invalid_settings_stop_start_up(string key, string value)
    {
        var error = await StartupFailure.CaptureAsync(
            () => new ApiFactory(redis.ConnectionString, new Dictionary<string, string?> { [key] = value }),
            api => _ = api.Server);
        Assert.Contains(key.Split(':')[^1], error.ToString());
    }

    [Fact]
    public async Task A_tenant_over_budget_gets_429_with_retry_after_and_others_and_the_admin_are_unaffected()
    {
        await using var api = LimitedApi(permitsPerSecond: 1, burst: 5);
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
