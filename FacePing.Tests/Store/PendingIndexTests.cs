using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Core.Vectors;
using FacePing.Tests.Infrastructure;
using StackExchange.Redis;

namespace FacePing.Tests.Store;

/// <summary>
/// Writes store the vector and queue its id; the HNSW graph is built behind them by <see cref="VectorIndexer"/>.
/// A write is found exactly before its graph insert, the queue survives a SIGKILL of Redis and of the worker process
/// building the graph, and a dead indexer's groups are taken over once its lease runs out.
/// </summary>
public sealed class PendingIndexTests : OwnRedisStoreTests
{
    private const int Dims = 64;

    private static VectorStoreOptions Options(int batch = 16, int leaseMs = 10_000, int persistEvery = 50_000) => new()
    {
        IndexBatchSize = batch,
        IndexPersistVectors = persistEvery,
        IndexerLeaseMilliseconds = leaseMs,
        IndexerIdleMilliseconds = 20,
        IndexerPauseMilliseconds = 0,
        // What is tested is that no id slips between the graph and the pending set; Q8 keeps the graph's own recall
        // on these random vectors out of the way (the default BIN graph's is measured by eng/bench-million.sh).
        Quantization = "Q8",
    };

    private FaceStore Store() => Store(Options());

    private static Task<float[][]> LoadAsync(FaceStore store, string tenant, string group, int count, int seed) =>
        LoadAsync(store, tenant, group, count, seed, Dims, j => $"v{j:D5}", classes: 7);

    // Both counts in one atomic read: an indexer running meanwhile moves ids from one to the other.
    private async Task<(long Indexed, long Pending)> CountsAsync(string tenant, string group)
    {
        var keys = new StoreKeys(tenant);
        var reply = (long[])(await Connection.GetDatabase().ScriptEvaluateAsync("""
            local indexed = 0
            if redis.call('EXISTS', KEYS[1]) == 1 then indexed = redis.call('VCARD', KEYS[1]) end
            return {indexed, redis.call('SCARD', KEYS[2])}
            """, [keys.VectorSet(group), keys.Pending(group)]))!;
        return (reply[0], reply[1]);
    }

    [Fact]
    public async Task A_write_is_found_exactly_before_its_graph_insert_and_after()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var store = Store();
        var vectors = await LoadAsync(store, tenant, "g", 500, seed: 3);
        // No indexer has run: nothing is in the graph, everything is pending, and the group says so.
        Assert.Equal((0L, 500L), await CountsAsync(tenant, "g"));
        Assert.Equal(500, (await store.GetGroupAsync(tenant, "g"))!.PendingIndex);

        async Task AssertExact(float[][] expected, int[] probes)
        {
            foreach (var i in probes)
            {
                var truth = Enumerable.Range(0, expected.Length).Where(j => expected[j] is not null)
                    .OrderByDescending(j => VectorMath.Cosine(vectors[i], expected[j])).Take(10)
                    .Select(j => $"v{j:D5}").ToList();
                var hits = await store.SearchAsync(tenant, "g", vectors[i], 10, null);
                Assert.Equal(truth, hits.Select(h => h.Id));
                // A filtered search of a large match goes through VSIM's FILTER: the pending ids are scanned too.
                var filter = new Dictionary<string, string> { ["n"] = (i % 7).ToString() };
                var filtered = await Store(new VectorStoreOptions { ExactFilterScanLimit = 0, Quantization = "Q8" })
                    .SearchAsync(tenant, "g", vectors[i], 1, filter);
                Assert.Equal($"v{i:D5}", Assert.Single(filtered).Id);
            }
        }
        int[] probes = [0, 17, 250, 499];
        await AssertExact(vectors, probes);

        // Half indexed: answers are the same, from the graph and the pending set together.
        var half = await store.IndexPendingAsync(tenant, "g", FaceStore.IndexAllHolder, 250,
            TimeSpan.FromSeconds(10));
        Assert.Equal(new IndexStep(IndexOutcome.Indexed, 250, 250), half with { Graph = default });
        await AssertExact(vectors, probes);

        // A re-upsert of an indexed or a pending id queues the new vector (an indexed one keeps its old graph node
        // until the indexer replaces it, so it is never in neither); a delete of either takes it out of both.
        var indexed = (string)(await Connection.GetDatabase().ExecuteAsync("VRANDMEMBER",
            new StoreKeys(tenant).VectorSet("g")))!;
        var pending = (string)(await Connection.GetDatabase().SetRandomMemberAsync(
            new StoreKeys(tenant).Pending("g")))!;
        var random = new Random(9);
        foreach (var id in new[] { indexed, pending })
        {
            var slot = int.Parse(id[1..]);
            vectors[slot] = Api.ApiTestData.RandomUnit(random, Dims);
            await store.UpsertAsync(tenant, "g", [new VectorWrite(vectors[slot],
                new Dictionary<string, string> { ["n"] = (slot % 7).ToString() }, VectorSources.Vector, id)]);
        }
        Assert.Equal((250L, 251L), await CountsAsync(tenant, "g"));
        await AssertExact(vectors, [int.Parse(indexed[1..]), int.Parse(pending[1..]), 17]);
        var deleted = await store.DeleteVectorsAsync(tenant, "g", [indexed, pending]);
        Assert.Equal(2, deleted.Deleted);
        Assert.Equal((249L, 249L), await CountsAsync(tenant, "g"));
        vectors[int.Parse(indexed[1..])] = null!;
        vectors[int.Parse(pending[1..])] = null!;

        await store.IndexAllAsync(tenant, "g");
        Assert.Equal((498L, 0L), await CountsAsync(tenant, "g"));
        await AssertExact(vectors, new[] { 0, 17, 499 }.Where(i => vectors[i] is not null).ToArray());
    }

    [Fact]
    public async Task One_indexer_per_group_and_a_dead_ones_group_is_taken_over_when_its_lease_ends()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var options = Options(batch: 8, leaseMs: 1500);
        var store = Store(options);
        await LoadAsync(store, tenant, "g", 300, seed: 5);

        // "dead" took the lease with its last step and never came back.
        var first = await store.IndexPendingAsync(tenant, "g", "dead", 8, TimeSpan.FromMilliseconds(1500));
        Assert.Equal(new IndexStep(IndexOutcome.Indexed, 8, 292), first with { Graph = default });
        Assert.Equal(IndexOutcome.Leased,
            (await store.IndexPendingAsync(tenant, "g", "other", 8, TimeSpan.FromSeconds(1))).Outcome);

        using var indexer = Indexer(store, options);
        await indexer.StartAsync(CancellationToken.None);
        try
        {
            // Drained, and then retired from the to-do list by the step after (stopping earlier would cancel that).
            await WaitAsync(async () => (await CountsAsync(tenant, "g")).Pending == 0
                && !(await store.IndexingListAsync()).Contains((tenant, "g")), TimeSpan.FromSeconds(60));
        }
        finally
        {
            await indexer.StopAsync(CancellationToken.None);
        }
        Assert.Equal((300L, 0L), await CountsAsync(tenant, "g"));
        // The group is off the to-do list once drained, and nothing else is on it.
        Assert.Empty(await store.IndexingListAsync());
    }

    [Fact]
    public async Task The_indexer_resumes_after_redis_is_killed_and_nothing_acknowledged_is_lost()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var options = Options(batch: 8);
        var store = Store(options);
        const int count = 1500;
        var vectors = await LoadAsync(store, tenant, "g", count, seed: 7);

        using var indexer = Indexer(store, options);
        await indexer.StartAsync(CancellationToken.None);
        try
        {
            // Killed in the middle of building the graph.
            await WaitAsync(async () => (await CountsAsync(tenant, "g")).Indexed >= 100, TimeSpan.FromSeconds(60));
            Redis.Kill();
            await Task.Delay(500);
            await Redis.StartAsync();
            var (indexed, pending) = await CountsAsync(tenant, "g");
            Assert.Equal(count, indexed + pending); // the AOF has every vector, in the graph or queued
            Assert.True(pending > 0, "the graph was complete before the kill: nothing to resume");
            await WaitAsync(async () => (await CountsAsync(tenant, "g")).Pending == 0, TimeSpan.FromSeconds(90));
        }
        finally
        {
            await indexer.StopAsync(CancellationToken.None);
        }
        Assert.Equal(((long)count, 0L), await CountsAsync(tenant, "g"));
        Assert.Equal(count, (await store.GetGroupAsync(tenant, "g"))!.VectorCount);
        foreach (var i in new[] { 0, 700, 1499 })
        {
            var hits = await store.SearchAsync(tenant, "g", vectors[i], 1, null);
            Assert.Equal($"v{i:D5}", Assert.Single(hits).Id);
        }
    }

    [Fact]
    public async Task The_indexer_has_redis_rewrite_its_file_so_the_graph_is_loaded_at_restart_not_replayed()
    {
        var tenant = Guid.NewGuid().ToString("N");
        const int count = 300;
        var persist = Options(persistEvery: 100);
        var store = Store(persist);
        await LoadAsync(store, tenant, "g", count, seed: 11);
        Assert.Contains("v00299", AppendOnlyTail()); // the writes are in the tail
        var rewritesBefore = await AofRewritesAsync();

        // Every 100 inserts, and when the group drains past 10, the indexer asks for a rewrite: once it has nothing
        // left to ask for and the rewrite is done, the graph is in the file's base and the tail holds no insert.
        using var indexer = Indexer(store, persist);
        await indexer.StartAsync(CancellationToken.None);
        try
        {
            // Off the to-do list: the last step was counted (the count goes up before the group is retired).
            await WaitAsync(async () => (await CountsAsync(tenant, "g")).Pending == 0
                && !(await store.IndexingListAsync()).Contains((tenant, "g")) && indexer.Unpersisted == 0
                && await RewriteIdleAsync(), TimeSpan.FromSeconds(60));
        }
        finally
        {
            await indexer.StopAsync(CancellationToken.None);
        }
        Assert.True(await AofRewritesAsync() > rewritesBefore);
        Assert.DoesNotContain("VADD", AppendOnlyTail(), StringComparison.OrdinalIgnoreCase);
        Redis.Kill();
        await Redis.StartAsync();
        Assert.Equal(((long)count, 0L), await CountsAsync(tenant, "g"));

        // Without it the inserts stay in the tail (until Redis's own rule, 5 % of the base), each replayed at restart.
        var tenant2 = Guid.NewGuid().ToString("N");
        var never = Options(persistEvery: 0);
        var store2 = Store(never);
        await LoadAsync(store2, tenant2, "g", 50, seed: 12);
        using var indexer2 = Indexer(store2, never);
        await indexer2.StartAsync(CancellationToken.None);
        try
        {
            await WaitAsync(async () => (await CountsAsync(tenant2, "g")).Pending == 0
                && !(await store2.IndexingListAsync()).Contains((tenant2, "g")), TimeSpan.FromSeconds(60));
        }
        finally
        {
            await indexer2.StopAsync(CancellationToken.None);
        }
        Assert.Contains("VADD", AppendOnlyTail(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, indexer2.Unpersisted);
    }

    private async Task<long> AofRewritesAsync() => long.Parse((await Redis.Server.InfoAsync("persistence"))
        .SelectMany(g => g).Single(e => e.Key == "aof_rewrites").Value);

    private async Task<bool> RewriteIdleAsync()
    {
        var info = (await Redis.Server.InfoAsync("persistence")).SelectMany(g => g)
            .ToDictionary(e => e.Key, e => e.Value);
        return info["aof_rewrite_in_progress"] == "0" && info["aof_rewrite_scheduled"] == "0" &&
               info["aof_last_bgrewrite_status"] == "ok";
    }

    // The append-only file's tail (its incremental files, the commands a restart replays) as Latin-1 text.
    private string AppendOnlyTail() => string.Concat(Directory
        .GetFiles(Path.Combine(Redis.DataDir, "appendonlydir"), "*.incr.aof")
        .Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));

    [Fact]
    public async Task The_graph_is_finished_after_the_worker_process_building_it_is_killed()
    {
        var tenant = Guid.NewGuid().ToString("N");
        const int count = 1200;
        var store = Store(Options());
        var vectors = await LoadAsync(store, tenant, "g", count, seed: 11);

        // The real worker process (its indexer, in small slow steps so the kill lands mid-build), SIGKILLed: it
        // neither finishes its step nor gives its lease back.
        var worker = StartWorker(batch: 8, pauseMs: 30);
        try
        {
            await WaitAsync(async () => (await CountsAsync(tenant, "g")).Indexed >= 80, TimeSpan.FromSeconds(90));
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
        var (indexed, pending) = await CountsAsync(tenant, "g");
        Assert.Equal(count, indexed + pending);
        Assert.True(pending > 0, "the graph was complete before the kill: nothing to resume");

        // Another worker takes the group over once the dead one's lease runs out, and finishes the graph.
        var successor = StartWorker(batch: 64, pauseMs: 0);
        try
        {
            await WaitAsync(async () => (await CountsAsync(tenant, "g")).Pending == 0, TimeSpan.FromSeconds(90));
        }
        finally
        {
            successor.Kill(entireProcessTree: true);
            await successor.WaitForExitAsync();
        }
        Assert.Equal(((long)count, 0L), await CountsAsync(tenant, "g"));
        foreach (var i in new[] { 0, 600, 1199 })
            Assert.Equal($"v{i:D5}", Assert.Single(await store.SearchAsync(tenant, "g", vectors[i], 1, null)).Id);
    }

    // FacePing.Ingestion as built beside the tests, with only what its start-up needs and its indexer's pace.
    private System.Diagnostics.Process StartWorker(int batch, int pauseMs)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FacePing.Ingestion.dll"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{RedisServer.FreePort()}";
        start.Environment["ConnectionStrings__redis"] = Redis.ConnectionString;
        start.Environment["services__inference__http__0"] = "http://127.0.0.1:9";
        start.Environment["FacePing__Store__IndexBatchSize"] = batch.ToString();
        start.Environment["FacePing__Store__IndexerPauseMilliseconds"] = pauseMs.ToString();
        start.Environment["FacePing__Store__IndexerIdleMilliseconds"] = "50";
        start.Environment["FacePing__Store__IndexerLeaseMilliseconds"] = "2000";
        start.Environment["FacePing__Store__Quantization"] = "Q8";
        var process = System.Diagnostics.Process.Start(start)!;
        // Drained so a full pipe never stalls it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitAsync(Func<Task<bool>> done, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                if (await done()) return;
            }
            catch (RedisException)
            {
                // Redis is restarting.
            }
            Assert.True(DateTime.UtcNow < deadline, $"not done within {limit}");
            await Task.Delay(50);
        }
    }
}
