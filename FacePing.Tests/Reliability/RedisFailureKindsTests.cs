using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace FacePing.Tests.Reliability;

/// <summary>
/// Each Redis failure kind the Api meets in a failover or restart, produced for real: a Redis loading its data set, a
/// replica that lost its primary, a primary demoted behind the Api's back, and a replica that stops confirming writes.
/// Every one is 503 problem+json with Retry-After naming the kind (never 500), except a write that was applied, which
/// says so (202 write-not-durable); <c>/health</c> says which, and the service comes back by itself.
/// </summary>
public sealed class RedisFailureKindsTests(ITestOutputHelper output)
{
    private const string ShortTimeouts = ",connectTimeout=1000,syncTimeout=2000,asyncTimeout=2000";

    [Fact]
    public async Task Loading_after_a_restart_is_503_loading_and_health_says_so()
    {
        // Redis answers clients while it loads only every so many bytes read: make that often, and each key slow.
        using var redis = RedisServer.WithArgs("--loading-process-events-interval-bytes", "1024");
        await redis.StartAsync();
        await using var api = new ApiFactory(redis.ConnectionString + ShortTimeouts);
        using var client = await api.CreateTenantClientAsync("loading");
        await ApiTestData.CreateGroup(client, "g");
        var id = await ApiTestData.StoreVector(client, "g", [1, 0, 0]);
        var batch = redis.Db.CreateBatch();
        // ~1 ms a key on reload: about 15 s of LOADING, long enough for a client on a busy CI machine to reconnect
        // (the reconnect backs off) and still find Redis loading, then ask /health while it still is.
        var fills = Enumerable.Range(0, 15_000).Select(i => batch.StringSetAsync($"fill:{i}", i)).ToArray();
        batch.Execute();
        await Task.WhenAll(fills);
        await RewriteAofAsync(redis);

        redis.Kill();
        await redis.StartAsync(["--key-load-delay", "1000"]);
        var watch = Stopwatch.StartNew();

        var loading = await UntilAsync(async () =>
        {
            using var response = await client.GetAsync("/groups");
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return null;
            var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
            var isLoading = problem.TryGetProperty("redis", out var code) && code.GetString() == "loading";
            return isLoading ? problem : (JsonElement?)null;
        }, TimeSpan.FromSeconds(10));
        output.WriteLine($"503 loading after {watch.ElapsedMilliseconds} ms: {loading}");
        using (var write = await client.PostAsJsonAsync("/groups/g/vector", new { vectorString = "0,1,0" }))
        {
            Assert.True(write.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Created,
                $"{(int)write.StatusCode}");
            if (write.StatusCode == HttpStatusCode.ServiceUnavailable) Assert.NotNull(write.Headers.RetryAfter);
        }
        var health = await HealthAsync(api);
        output.WriteLine("health while loading: " + health);

        // Back by itself once the data set is in, with the vector written before the crash.
        await UntilAsync(async () =>
        {
            using var response = await client.GetAsync($"/vectors/{id}");
            return response.StatusCode == HttpStatusCode.OK ? true : (bool?)null;
        }, TimeSpan.FromSeconds(60));
        output.WriteLine($"answering again after {watch.ElapsedMilliseconds} ms");
        Assert.Contains("loading", health);
    }

    [Fact]
    public async Task A_replica_that_lost_its_primary_answers_503_masterdown()
    {
        using var primary = new RedisServer();
        await primary.StartAsync();
        using var replica = RedisServer.WithArgs("--replicaof", "127.0.0.1", primary.Port.ToString(),
            "--replica-serve-stale-data", "no");
        await replica.StartAsync();
        await using var writer = new ApiFactory(primary.ConnectionString + ShortTimeouts);
        var key = (await writer.CreateTenantAsync("stale")).Key;
        await RedisSentinelGroup.WaitUntilAsync(async () =>
            await RedisSentinelGroup.OnlineReplicasAsync(primary) == 1 &&
            (long)await primary.Db.ExecuteAsync("WAIT", 1, 1000) == 1, TimeSpan.FromSeconds(15), "the replica");

        // An Api whose connection string names the replica (a stale configuration, or a client that lost the primary).
        await using var api = new ApiFactory(replica.ConnectionString + ShortTimeouts);
        using var client = api.CreateClient(key);
        using (var before = await client.GetAsync("/groups")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        primary.Kill();

        var problem = await UntilAsync<JsonElement>(async () =>
        {
            using var response = await client.GetAsync("/groups");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"{(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.OK) return null;
            Assert.NotNull(response.Headers.RetryAfter);
            return (JsonElement?)await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable);
        }, TimeSpan.FromSeconds(15));
        Assert.Equal("masterdown", problem.GetProperty("redis").GetString());
        using (var write = await client.PostAsync("/groups/g", null))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        var health = await HealthAsync(api);
        output.WriteLine(health);
        Assert.Contains("readonly", health); // the node this Api writes to is a replica
    }

    [Fact]
    public async Task A_primary_demoted_behind_the_api_s_back_is_503_readonly_never_500()
    {
        using var primary = new RedisServer();
        await primary.StartAsync();
        using var other = RedisServer.WithArgs("--replicaof", "127.0.0.1", primary.Port.ToString());
        await other.StartAsync();
        await using var api = new ApiFactory(primary.ConnectionString + ShortTimeouts); // names the primary only
        using var client = await api.CreateTenantClientAsync("demoted");
        await ApiTestData.CreateGroup(client, "g");
        await RedisSentinelGroup.WaitUntilAsync(async () => (long)await primary.Db.ExecuteAsync("WAIT", 1, 1000) == 1,
            TimeSpan.FromSeconds(15), "the replica");

        // What a switchover does to the old primary: the other node takes over and this one follows it.
        await other.Db.ExecuteAsync("REPLICAOF", "NO", "ONE");
        await primary.Db.ExecuteAsync("REPLICAOF", "127.0.0.1", other.Port.ToString());

        var statuses = new List<(HttpStatusCode, string)>();
        for (var i = 0; i < 5; i++)
        {
            using var write = await client.PostAsJsonAsync("/groups/g/vector", new { vectorString = "1,0,0" });
            var body = await write.Content.ReadAsStringAsync();
            statuses.Add((write.StatusCode, body));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            Assert.NotNull(write.Headers.RetryAfter);
            Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
        }
        output.WriteLine(string.Join("\n", statuses.Select(s => $"{(int)s.Item1} {s.Item2}")));
        Assert.Contains(statuses, s => s.Item2.Contains("\"redis\":\"readonly\"", StringComparison.Ordinal));
        var health = await HealthAsync(api);
        output.WriteLine(health);
        Assert.Contains("readonly", health);
    }

    [Fact]
    public async Task Replica_durability_says_applied_when_a_wait_fails_refuses_unapplied_writes_and_recovers()
    {
        var (primary, replica) = await PrimaryWithReplicaAsync();
        using var _ = primary;
        using var __ = replica;
        await using var api = ReplicaModeApi(primary);
        using var client = await api.CreateTenantClientAsync("replica-mode");
        await ApiTestData.CreateGroup(client, "g");
        await ApiTestData.StoreVector(client, "g", [1, 0, 0]);

        replica.Kill();
        await RedisSentinelGroup.WaitUntilAsync(async () => await RedisSentinelGroup.OnlineReplicasAsync(primary) == 0,
            TimeSpan.FromSeconds(15), "the primary to notice");
        // The first write after the loss is applied, and its WAIT finds no replica: 202, applied, with its id.
        using (var applied = await client.PostAsJsonAsync("/groups/g/vector", new { vectorString = "0,1,0" }))
        {
            var id = AssertAppliedNotDurable(await ProblemAssert.IsProblem(applied, HttpStatusCode.Accepted));
            Assert.Equal($"/vectors/{id}", applied.Headers.Location?.ToString());
            using var read = await client.GetAsync($"/vectors/{id}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        // Later writes are refused before they are applied (503, safe to repeat), without waiting for the timeout.
        var key = Guid.NewGuid().ToString();
        var timings = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            using var write = await PostAsync(client, "/groups/g/vector", "0,0,1", key);
            timings.Add(watch.ElapsedMilliseconds);
            var problem = await ProblemAssert.IsProblem(write, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("not-durable", problem.GetProperty("redis").GetString());
            Assert.Contains("nothing was applied", problem.GetProperty("detail").GetString());
            Assert.NotNull(write.Headers.RetryAfter);
        }
        output.WriteLine("503 not-durable in " + string.Join(", ", timings) + " ms");
        Assert.Contains("not-durable", await HealthAsync(api));

        // Back with its replica: the retry of the refused write, with the same Idempotency-Key, is stored once.
        await replica.StartAsync();
        var created = await UntilAsync(async () =>
        {
            using var write = await PostAsync(client, "/groups/g/vector", "0,0,1", key);
            return write.StatusCode == HttpStatusCode.Created
                ? JsonDocument.Parse(await write.Content.ReadAsStringAsync()).RootElement.Clone()
                : (JsonElement?)null;
        }, TimeSpan.FromSeconds(20));
        using (var again = await PostAsync(client, "/groups/g/vector", "0,0,1", key))
        {
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.Equal(created.GetProperty("id").GetString(),
                (await ApiTestData.Json(again, HttpStatusCode.Created)).GetProperty("id").GetString());
        }
        using var ids = await client.GetAsync("/groups/g/vectors");
        output.WriteLine(await ids.Content.ReadAsStringAsync());
        Assert.Equal(3, (await ApiTestData.Json(ids)).GetArrayLength());
    }

    [Fact]
    public async Task A_write_whose_replica_stopped_answering_is_202_applied_and_its_retry_gets_the_same_answer()
    {
        var (primary, replica) = await PrimaryWithReplicaAsync();
        using var _ = primary;
        using var __ = replica;
        await using var api = ReplicaModeApi(primary);
        using var client = await api.CreateTenantClientAsync("frozen-replica");
        await ApiTestData.CreateGroup(client, "g");

        // Still connected as far as the primary knows, but acknowledging nothing: every WAIT times out.
        replica.Freeze();
        try
        {
            var key = Guid.NewGuid().ToString();
            using var first = await PostAsync(client, "/groups/g/vector", "1,1,0", key);
            var body = await first.Content.ReadAsStringAsync();
            var id = AssertAppliedNotDurable(await ProblemAssert.IsProblem(first, HttpStatusCode.Accepted));
            using var retry = await PostAsync(client, "/groups/g/vector", "1,1,0", key);
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
            Assert.Equal(body, await retry.Content.ReadAsStringAsync());
            Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
            using var ids = await client.GetAsync("/groups/g/vectors");
            Assert.Equal(new[] { id }, (await ApiTestData.Json(ids)).EnumerateArray()
                .Select(e => e.GetString()!).ToArray());
        }
        finally
        {
            replica.Thaw();
        }
    }

    internal static async Task<(RedisServer Primary, RedisServer Replica)> PrimaryWithReplicaAsync()
    {
        var primary = new RedisServer();
        await primary.StartAsync();
        var replica = RedisServer.WithArgs("--replicaof", "127.0.0.1", primary.Port.ToString());
        await replica.StartAsync();
        await RedisSentinelGroup.WaitUntilAsync(async () => await RedisSentinelGroup.OnlineReplicasAsync(primary) == 1,
            TimeSpan.FromSeconds(15), "the replica");
        return (primary, replica);
    }

    internal static ApiFactory ReplicaModeApi(RedisServer primary) =>
        new(primary.ConnectionString + ShortTimeouts, new Dictionary<string, string?>
        {
            ["FacePing:Store:Durability"] = "replica",
            ["FacePing:Store:DurabilityTimeoutMilliseconds"] = "500",
        });

    /// <summary>A 202 write-not-durable problem: applied, replica not confirmed; returns the created id.</summary>
    private static string AssertAppliedNotDurable(JsonElement problem)
    {
        Assert.Equal("urn:faceping:problem:write-not-durable", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("applied").GetBoolean());
        Assert.Equal("replica", problem.GetProperty("durability").GetString());
        Assert.Contains("applied", problem.GetProperty("detail").GetString());
        return problem.GetProperty("result").GetProperty("id").GetString()!;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string vector,
        string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(new { vectorString = vector }),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    private static async Task<string> HealthAsync(ApiFactory api)
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/health");
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    internal static async Task RewriteAofAsync(RedisServer redis)
    {
        await RedisSentinelGroup.WaitUntilAsync(async () =>
        {
            try
            {
                await redis.Server.ExecuteAsync("BGREWRITEAOF");
                return true;
            }
            catch (RedisServerException e) when (e.Message.Contains("in progress", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "BGREWRITEAOF to start");
        await RedisSentinelGroup.WaitUntilAsync(async () =>
        {
            var info = (await redis.Server.InfoAsync("persistence")).SelectMany(g => g)
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            return info["aof_rewrite_in_progress"] == "0" && info["aof_rewrite_scheduled"] == "0";
        }, TimeSpan.FromSeconds(20), "the AOF rewrite to finish");
    }

    /// <summary>Polls <paramref name="attempt"/> until it returns a value (not null), failing after
    /// <paramref name="limit"/>.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T?>> attempt, TimeSpan limit) where T : struct
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (await attempt() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached within {limit}");
            await Task.Delay(100);
        }
    }
}
