using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Storage;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace FacePing.Tests.Reliability;

/// <summary>
/// The Api against the Redis servers users actually have: redis-server's defaults (no configuration file: appendonly
/// no), appendonly yes with the default appendfsync everysec, the shipped deploy/redis/redis.conf, a managed service
/// that refuses CONFIG, and a replica set with a replica down. Each time the service either starts and answers every
/// write truthfully (201, never a 503 for a write that was applied), or refuses to start with one message naming the
/// setting, the server's value and both ways out.
/// </summary>
public sealed class DurabilityVerdictTests(ITestOutputHelper output)
{
    private const string ShortTimeouts = ",connectTimeout=1000,syncTimeout=2000,asyncTimeout=2000";

    [Fact]
    public async Task Redis_defaults_run_auto_as_none_and_refuse_local_naming_the_fix()
    {
        using var redis = RedisServer.Bare(); // no configuration file at all: appendonly no
        await redis.StartAsync();
        await AssertWritesAcknowledgedAsync(redis, "none", "appendonly no");
        var refusal = await RefusalAsync(redis, DurabilityModes.Local);
        Assert.Contains("FacePing:Store:Durability=local", refusal);
        Assert.Contains("appendonly no", refusal);
        Assert.Contains("deploy/redis/redis.conf", refusal);
        Assert.Contains("auto (here: none) or none", refusal);
    }

    [Fact]
    public async Task Appendonly_with_everysec_runs_auto_as_none_and_refuses_local()
    {
        using var redis = RedisServer.Bare("--appendonly", "yes", "--appendfsync", "everysec");
        await redis.StartAsync();
        await AssertWritesAcknowledgedAsync(redis, "none", "appendfsync everysec");
        var refusal = await RefusalAsync(redis, DurabilityModes.Local);
        Assert.Contains("appendonly yes, appendfsync everysec", refusal);
        Assert.Contains("deploy/redis/redis.conf", refusal);
    }

    [Fact]
    public async Task The_shipped_configuration_runs_auto_as_local()
    {
        using var redis = new RedisServer();
        await redis.StartAsync();
        await AssertWritesAcknowledgedAsync(redis, "local", "appendfsync always");
    }

    [Fact]
    public async Task A_server_refusing_CONFIG_is_measured_instead()
    {
        // A managed service: CONFIG is not available to clients. With fsync on every write the probe finds it…
        using (var always = RedisServer.WithArgs("--rename-command", "CONFIG", ""))
        {
            await always.StartAsync();
            await AssertWritesAcknowledgedAsync(always, "local", "measured; CONFIG refused");
        }
        // …and with everysec it does not.
        using var everysec = RedisServer.Bare("--appendonly", "yes", "--rename-command", "CONFIG", "");
        await everysec.StartAsync();
        await AssertWritesAcknowledgedAsync(everysec, "none", "writes wait for a later fsync");
    }

    [Fact]
    public async Task Replica_mode_runs_with_one_replica_of_two_down_and_refuses_without_any()
    {
        using var primary = new RedisServer();
        await primary.StartAsync();
        using var up = RedisServer.WithArgs("--replicaof", "127.0.0.1", primary.Port.ToString());
        await up.StartAsync();
        using var down = RedisServer.WithArgs("--replicaof", "127.0.0.1", primary.Port.ToString());
        await down.StartAsync();
        await RedisSentinelGroup.WaitUntilAsync(async () => await RedisSentinelGroup.OnlineReplicasAsync(primary) == 2,
            TimeSpan.FromSeconds(15), "both replicas");
        down.Kill();
        await RedisSentinelGroup.WaitUntilAsync(async () => await RedisSentinelGroup.OnlineReplicasAsync(primary) == 1,
            TimeSpan.FromSeconds(15), "the primary to notice");
        await AssertWritesAcknowledgedAsync(primary, "replica", "1 replica(s) online", DurabilityModes.Replica);

        up.Kill();
        await RedisSentinelGroup.WaitUntilAsync(async () => await RedisSentinelGroup.OnlineReplicasAsync(primary) == 0,
            TimeSpan.FromSeconds(15), "the primary to notice");
        var refusal = await RefusalAsync(primary, DurabilityModes.Replica);
        Assert.Contains("FacePing:Store:Durability=replica", refusal);
        Assert.Contains("no replica online", refusal);
        Assert.Contains("deploy/redis/redis.conf", refusal);
        Assert.Contains("auto, local or none", refusal);
    }

    /// <summary>An Api with <paramref name="setting"/> starts, /health and the log name the mode in force, and writes
    /// of every kind are 201 (a key, a group, vectors).</summary>
    private async Task AssertWritesAcknowledgedAsync(RedisServer redis, string mode, string promise,
        string setting = DurabilityModes.Auto)
    {
        var logs = new CapturedLogs();
        await using var api = Api(redis, setting, logs);
        using var client = await api.CreateTenantClientAsync("verdict");
        using (var group = await client.PostAsync("/groups/g", null))
            Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        for (var i = 0; i < 5; i++)
        {
            using var write = await client.PostAsJsonAsync("/groups/g/vector", new { vectorString = $"1,{i},0" });
            Assert.True(write.StatusCode == HttpStatusCode.Created,
                $"{(int)write.StatusCode} {await write.Content.ReadAsStringAsync()}");
        }

        using var health = await api.CreateClient().GetAsync("/health");
        var body = await health.Content.ReadAsStringAsync();
        output.WriteLine(body);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains($"durability {mode}", body);
        Assert.Contains(promise, body);
        var line = Assert.Single(logs.Lines, l => l.Contains("Redis durability: "));
        output.WriteLine(line);
        Assert.Contains($"Redis durability: {mode}", line);
        Assert.Equal((mode, setting), DurabilityGauge(api));
    }

    /// <summary>
    /// The mode and setting the host's <c>faceping.store.durability</c> gauge reports (its own meter).
    /// </summary>
    private static (string Mode, string Setting) DurabilityGauge(ApiFactory api)
    {
        var factory = api.Services.GetRequiredService<IMeterFactory>();
        var seen = new List<(string, string)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "faceping.store.durability" && instrument.Meter.Scope == factory)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, _, tags, _) =>
        {
            var all = tags.ToArray();
            string Tag(string name) => (string)all.Single(t => t.Key == name).Value!;
            seen.Add((Tag("mode"), Tag("setting")));
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return Assert.Single(seen);
    }

    /// <summary>The start-up failure of an Api given <paramref name="setting"/>: its message, also the one critical
    /// log line.</summary>
    private async Task<string> RefusalAsync(RedisServer redis, string setting)
    {
        var logs = new CapturedLogs();
        var error = await StartupFailure.CaptureAsync(
            () => Api(redis, setting, logs),
            api => api.StartServer());
        var refused = error as DurabilityRefusedException ?? error.InnerException as DurabilityRefusedException;
        Assert.True(refused is not null, error.ToString());
        output.WriteLine(refused.Message);
        Assert.Contains(logs.Lines, l => l.StartsWith("Critical ", StringComparison.Ordinal) &&
                                         l.Contains(refused.Message, StringComparison.Ordinal));
        return refused.Message;
    }

    // As the AppHost gives it: no allowAdmin (CONFIG and INFO must go out as plain commands).
    private static ApiFactory Api(RedisServer redis, string setting, CapturedLogs logs) =>
        new($"127.0.0.1:{redis.Port},abortConnect=false" + ShortTimeouts,
            new Dictionary<string, string?> { ["FacePing:Store:Durability"] = setting },
            builder => builder.ConfigureLogging(logging => logging.AddProvider(logs)));
}
