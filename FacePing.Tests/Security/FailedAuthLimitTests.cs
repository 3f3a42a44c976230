using System.Globalization;
using System.Net;
using FacePing.Api.RateLimiting;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FacePing.Tests.Security;

/// <summary>
/// Failed authentication is limited per client address. The in-process host gives every request the same (absent)
/// address, so all clients here share one bucket; key lookups are counted on this class's own Redis (HMGET is the
/// command <c>ApiKeyStore.FindAsync</c> sends).
/// </summary>
public sealed class FailedAuthLimitTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private ApiFactory LimitedApi(int perMinute, int burst, bool enabled = true) => new(redis.ConnectionString,
        new Dictionary<string, string?>
        {
            ["FacePing:RateLimit:Enabled"] = enabled.ToString(),
            ["FacePing:RateLimit:FailedAuthPerMinute"] = perMinute.ToString(CultureInfo.InvariantCulture),
            ["FacePing:RateLimit:FailedAuthBurst"] = burst.ToString(CultureInfo.InvariantCulture),
        });

    [Fact]
    public async Task Past_the_burst_unverified_keys_get_429_with_retry_after_and_no_key_lookup()
    {
        // One token a minute: nothing refills while the test runs.
        await using var api = LimitedApi(perMinute: 1, burst: 3);
        var tenant = await api.CreateTenantAsync("victim");
        using var client = api.CreateClient(key: null);

        var start = await KeyLookupsAsync();
        await FailAsync(client, 3);
        Assert.Equal(start + 3, await KeyLookupsAsync()); // each failure did look its key up

        var blocked = await KeyLookupsAsync();
        using (var limited = await SendAsync(client, "/groups", "Bearer fp_guess-3"))
        {
            var problem = await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
            Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem.GetProperty("type").GetString());
            Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
            Assert.Contains("retry after 60 s", problem.GetProperty("detail").GetString(),
                StringComparison.OrdinalIgnoreCase);
            Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter?.Delta);
        }
        // Malformed headers and even a valid tenant key are answered without a lookup: telling them apart would need
        // one.
        foreach (var header in new[] { "Basic dXNlcjpwYXNz", "Bearer " + new string('k', 300), "Bearer " + tenant.Key })
        {
            using var limited = await SendAsync(client, "/groups", header);
            await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
            Assert.NotNull(limited.Headers.RetryAfter);
        }
        // Endpoints open to anyone still answer (the key is ignored there), also without a lookup.
        using (var alive = await SendAsync(client, "/alive", "Bearer fp_guess-4"))
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(blocked, await KeyLookupsAsync());

        // The admin key is recognised in memory, so it is still served; callers without a key still get 401.
        using (var admin = api.CreateAdminClient())
        using (var keys = await admin.GetAsync("/admin/keys"))
            Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        using (var anonymous = await client.GetAsync("/groups"))
            await ProblemAssert.IsProblem(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Successful_requests_do_not_spend_the_failure_budget_and_recent_keys_pass_a_block()
    {
        await using var api = LimitedApi(perMinute: 1, burst: 3);
        using var tenant = await api.CreateTenantClientAsync("busy");
        using var admin = api.CreateAdminClient();
        for (var i = 0; i < 20; i++)
        {
            using var ok = await tenant.GetAsync("/groups");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            using var adminOk = await admin.GetAsync("/admin/keys");
            Assert.Equal(HttpStatusCode.OK, adminOk.StatusCode);
        }

        var unused = await api.CreateTenantAsync("unused");
        using var client = api.CreateClient(key: null);
        await FailAsync(client, 3);
        using (var limited = await SendAsync(client, "/groups", "Bearer fp_guess-3"))
            await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);

        // The address is blocked, but a key that authenticated minutes ago is still looked up and served: a guesser
        // behind the same NAT or proxy does not lock its tenants out. A valid key never seen before waits like a guess.
        var before = await KeyLookupsAsync();
        using (var stillServed = await tenant.GetAsync("/groups"))
            Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);
        Assert.Equal(before + 1, await KeyLookupsAsync());
        using (var unseen = await SendAsync(client, "/groups", "Bearer " + unused.Key))
            await ProblemAssert.IsProblem(unseen, HttpStatusCode.TooManyRequests);
        Assert.Equal(before + 1, await KeyLookupsAsync());
    }

    [Fact]
    public async Task The_budget_refills_after_retry_after()
    {
        // A token every 2 s: after waiting Retry-After there is one more failure, then the address is blocked again.
        await using var api = LimitedApi(perMinute: 30, burst: 2);
        using var client = api.CreateClient(key: null);
        await FailAsync(client, 2);
        TimeSpan wait;
        using (var limited = await SendAsync(client, "/groups", "Bearer fp_guess-2"))
        {
            await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
            wait = limited.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After");
            Assert.Equal(TimeSpan.FromSeconds(2), wait);
        }

        await Task.Delay(wait + TimeSpan.FromSeconds(0.4));
        var before = await KeyLookupsAsync();
        using (var again = await SendAsync(client, "/groups", "Bearer fp_guess-3"))
            await ProblemAssert.IsProblem(again, HttpStatusCode.Unauthorized);
        Assert.Equal(before + 1, await KeyLookupsAsync());
        using (var limited = await SendAsync(client, "/groups", "Bearer fp_guess-4"))
            await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Enabled_false_does_not_limit_failed_authentication()
    {
        await using var api = LimitedApi(perMinute: 1, burst: 1, enabled: false);
        using var client = api.CreateClient(key: null);
        var start = await KeyLookupsAsync();
        await FailAsync(client, 10);
        Assert.Equal(start + 10, await KeyLookupsAsync());
    }

    [Fact]
    public async Task A_blocked_address_is_logged_once_per_window_without_key_material()
    {
        var logs = new LogCapture();
        await using var factory = LimitedApi(perMinute: 1, burst: 2);
        await using var api = factory.WithWebHostBuilder(b =>
            b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))));
        using var client = api.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await SendAsync(client, "/groups", $"Bearer fp_guess-{i}");
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 2),
            .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 6)], statuses);

        var warnings = logs.Lines
            .Where(l => l.StartsWith($"Warning {typeof(FailedAuthLimiter).FullName}:", StringComparison.Ordinal))
            .ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("unknown", warning); // the address (none in-process)
        Assert.DoesNotContain("fp_guess", logs.All);
    }

    [Theory]
    [InlineData(null, "unknown")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    public void Addresses_share_a_bucket_per_ipv4_address_and_per_ipv6_64(string? address, string partition) =>
        Assert.Equal(partition, FailedAuthLimiter.Partition(address is null ? null : IPAddress.Parse(address)));

    /// <summary>Sends <paramref name="count"/> unknown keys, each answered 401.</summary>
    private static async Task FailAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var denied = await SendAsync(client, "/groups", $"Bearer fp_guess-{i}");
            await ProblemAssert.IsProblem(denied, HttpStatusCode.Unauthorized);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await client.SendAsync(request);
    }

    /// <summary>Calls of HMGET so far (<c>INFO commandstats</c>): one per tenant-key lookup.</summary>
    private async Task<long> KeyLookupsAsync()
    {
        var stats = await redis.Server.InfoAsync("commandstats");
        var hmget = stats.SelectMany(g => g).FirstOrDefault(p => p.Key == "cmdstat_hmget").Value;
        if (hmget is null) return 0;
        var calls = hmget.Split(',').Single(f => f.StartsWith("calls=", StringComparison.Ordinal));
        return long.Parse(calls["calls=".Length..], CultureInfo.InvariantCulture);
    }
}
