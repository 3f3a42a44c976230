using System.Diagnostics;
using System.Net;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FacePing.Tests.Reliability;

/// <summary>
/// A Sentinel-managed Redis (<see cref="RedisSentinelGroup"/>) and an Api connected to it with the Sentinel connection
/// string, acknowledging writes under <c>FacePing:Store:Durability=replica</c>.
/// </summary>
public abstract class SentinelApi(int replicas) : RedisSentinelGroup(replicas)
{
    public ApiFactory Api { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Api = new ApiFactory(ConnectionString, new Dictionary<string, string?>
        {
            ["FacePing:Store:Durability"] = "replica",
            ["FacePing:Store:DurabilityTimeoutMilliseconds"] = "1000",
        });
        await Api.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>Primary, two replicas (one is left once the primary is gone), three Sentinels.</summary>
public sealed class TwoReplicaSentinelApi() : SentinelApi(2);

/// <summary>Primary, one replica, three Sentinels.</summary>
public sealed class OneReplicaSentinelApi() : SentinelApi(1);

/// <summary>
/// The primary is SIGKILLed while four writers keep posting: Sentinel promotes a replica, the Api follows it through
/// the Sentinel connection string, and in the gap every answer is 2xx or 503 problem+json with Retry-After, never 500.
/// With Durability=replica every acknowledged write was on a replica before it was answered, so none is lost.
/// </summary>
public sealed class SentinelFailoverTests(TwoReplicaSentinelApi ha, ITestOutputHelper output)
    : IClassFixture<TwoReplicaSentinelApi>
{
    [Fact]
    public async Task Primary_killed_under_write_load_fails_over_without_500s_or_lost_acknowledged_writes()
    {
        using var client = await ha.Api.CreateTenantClientAsync("failover");
        await ApiTestData.CreateGroup(client, "load");
        var old = await ha.PrimaryAsync();
        Assert.Same(ha.Nodes[0], old);

        await using var load = new WriteLoad(client, "load");
        load.Start();
        await load.WaitForAcknowledgedAsync(150, TimeSpan.FromSeconds(30));
        var watch = Stopwatch.StartNew();
        old.Kill(); // SIGKILL right after acknowledgements, writers still going
        var ackedAtKill = load.Acknowledged.Count;

        var promoted = await ha.WaitForNewPrimaryAsync(old, TimeSpan.FromSeconds(30));
        var promotedAfter = watch.Elapsed;
        // Writes succeed again: the Api found the new primary and the remaining replica follows it.
        await load.WaitForAcknowledgedAsync(load.Acknowledged.Count + 100, TimeSpan.FromSeconds(30));
        await load.StopAsync();
        var firstRefusal = load.Refused.Select(r => r.At).DefaultIfEmpty().Min();
        var lastRefusal = load.Refused.Select(r => r.At).DefaultIfEmpty().Max();
        output.WriteLine($"killed after {ackedAtKill} acknowledged writes; new primary :{promoted.Port} named after " +
                         $"{promotedAfter.TotalSeconds:F1} s; answers {load.Describe()}; 503s for " +
                         $"{(lastRefusal - firstRefusal).TotalSeconds:F1} s; " +
                         $"slowest {load.Slowest.TotalMilliseconds:F0} ms");

        var codes = await load.AssertOnlySuccessOrRetryableAsync();
        output.WriteLine("503 kinds: " + string.Join(", ", codes.Select(c => $"{c.Key}×{c.Value}")));
        Assert.True(load.Slowest < TimeSpan.FromSeconds(10), $"a request took {load.Slowest}");

        var missing = await load.MissingAsync(client);
        Assert.True(missing.Count == 0,
            $"{missing.Count} of {load.Acknowledged.Count} acknowledged writes lost, e.g. {missing.FirstOrDefault()}");
        // /health is back to Healthy once the remaining replica follows the new primary.
        using var probe = ha.Api.CreateClient();
        var body = "";
        await RedisSentinelGroup.WaitUntilAsync(async () =>
        {
            using var health = await probe.GetAsync("/health");
            body = await health.Content.ReadAsStringAsync();
            return health.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), "/health to be Healthy")
            .ContinueWith(t => Assert.True(t.IsCompletedSuccessfully, body));
        output.WriteLine("health: " + body);
    }
}

/// <summary>
/// An operator's switchover (<c>SENTINEL FAILOVER</c>) under write load: the old primary turns into a replica while the
/// Api is still connected to it, so writes in flight meet <c>READONLY</c> (the 500s of issue 11). They are retried
/// once or answered 503 with Retry-After; afterwards writes go to the new primary, and nothing acknowledged is lost.
/// </summary>
public sealed class SentinelSwitchoverTests(OneReplicaSentinelApi ha, ITestOutputHelper output)
    : IClassFixture<OneReplicaSentinelApi>
{
    [Fact]
    public async Task Switchover_under_write_load_answers_only_2xx_or_503_and_writes_resume()
    {
        using var client = await ha.Api.CreateTenantClientAsync("switchover");
        await ApiTestData.CreateGroup(client, "load");
        var old = await ha.PrimaryAsync();

        await using var load = new WriteLoad(client, "load");
        load.Start();
        await load.WaitForAcknowledgedAsync(150, TimeSpan.FromSeconds(30));
        var watch = Stopwatch.StartNew();
        var sentinel = ha.Sentinels.GetServer("127.0.0.1", ha.SentinelPorts[0]);
        Assert.True(await sentinel.SentinelFailoverAsync(RedisSentinelGroup.ServiceName)
            .ContinueWith(t => t.IsCompletedSuccessfully));
        var promoted = await ha.WaitForNewPrimaryAsync(old, TimeSpan.FromSeconds(30));
        var promotedAfter = watch.Elapsed;
        await load.WaitForAcknowledgedAsync(load.Acknowledged.Count + 100, TimeSpan.FromSeconds(30));
        await load.StopAsync();
        output.WriteLine($"switched to :{promoted.Port} after {promotedAfter.TotalSeconds:F1} s; answers " +
                         $"{load.Describe()}; slowest {load.Slowest.TotalMilliseconds:F0} ms");

        var codes = await load.AssertOnlySuccessOrRetryableAsync();
        output.WriteLine("503 kinds: " + string.Join(", ", codes.Select(c => $"{c.Key}×{c.Value}")));
        var missing = await load.MissingAsync(client);
        Assert.True(missing.Count == 0,
            $"{missing.Count} of {load.Acknowledged.Count} acknowledged writes lost, e.g. {missing.FirstOrDefault()}");
    }
}
