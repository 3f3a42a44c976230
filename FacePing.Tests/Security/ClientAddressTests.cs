using System.Net;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FacePing.Tests.Security;

/// <summary>
/// Behind a reverse proxy listed in <c>FacePing:Proxy:TrustedNetworks</c> the failed-authentication limit keys on the
/// caller's forwarded address; behind an unlisted one, forwarded headers are ignored (a caller could forge them).
/// Every request here arrives from 10.1.2.3, as from a proxy on the private network, unless a test says otherwise.
/// </summary>
public sealed class ClientAddressTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private ApiFactory BehindProxy(string? trustedNetwork, string from = "10.1.2.3")
    {
        var settings = new Dictionary<string, string?>
        {
            ["FacePing:RateLimit:FailedAuthPerMinute"] = "1",
            ["FacePing:RateLimit:FailedAuthBurst"] = "2",
        };
        if (trustedNetwork is not null) settings["FacePing:Proxy:TrustedNetworks:0"] = trustedNetwork;
        return new ApiFactory(redis.ConnectionString, settings,
            builder => builder.ConfigureServices(services =>
                services.AddSingleton<IStartupFilter>(new FromProxy(IPAddress.Parse(from)))));
    }

    [Fact]
    public async Task A_trusted_proxy_gives_each_forwarded_caller_its_own_failure_budget()
    {
        await using var api = BehindProxy("10.0.0.0/8");
        using var client = api.CreateClient(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(client, "203.0.113.5"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(client, "203.0.113.5"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(client, "203.0.113.5"));
        // Another caller behind the same proxy still has its whole budget.
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(client, "198.51.100.7"));
    }

    [Fact]
    public async Task Forwarded_headers_from_an_untrusted_proxy_are_ignored()
    {
        await using var api = BehindProxy(null);
        using var client = api.CreateClient(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(client, "203.0.113.5"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(client, "203.0.113.6"));
        // Rotating the forged header buys nothing: the budget is the proxy address's.
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(client, "198.51.100.7"));
    }

    // Issue 20 item 7: ASP.NET Core believes loopback proxies by default; FacePing believes none it was not given.
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    public async Task Forwarded_headers_from_loopback_are_ignored_unless_configured(string loopback)
    {
        await using var api = BehindProxy(null, loopback);
        using var client = api.CreateClient(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(client, "203.0.113.5"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(client, "203.0.113.6"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(client, "198.51.100.7"));

        // Listed, loopback is a proxy like any other.
        await using var trusted = BehindProxy(loopback.Contains(':') ? "::1/128" : "127.0.0.0/8", loopback);
        using var behind = trusted.CreateClient(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(behind, "203.0.113.5"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(behind, "203.0.113.5"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(behind, "198.51.100.7"));
    }

    [Fact]
    public async Task A_trusted_network_that_is_not_cidr_stops_start_up()
    {
        var failure = await StartupFailure.CaptureAsync(() => BehindProxy("10.0.0.0/33"), api => _ = api.Server);
        Assert.Contains("FacePing:Proxy:TrustedNetworks", failure.ToString());
    }

    private static async Task<HttpStatusCode> GuessAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/groups");
        request.Headers.Authorization = new("Bearer", "fp_guess");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
            await ProblemAssert.IsProblem(response, HttpStatusCode.TooManyRequests);
        return response.StatusCode;
    }

    // The in-process server has no connection address; this gives every request the proxy's.
    private sealed class FromProxy(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate following) =>
            {
                context.Connection.RemoteIpAddress = address;
                return following(context);
            });
            next(app);
        };
    }
}
