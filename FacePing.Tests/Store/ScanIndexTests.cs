using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Core.Storage.Scan;
using FacePing.Core.Vectors;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit.Abstractions;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.Store;

/// <summary>
/// The in-memory scan copies: exact candidates, and never a stale answer whatever happens to the group in Redis
/// (writes through this or another process, deletion and re-creation, a change log that moved past the copy).
/// </summary>
public sealed class ScanIndexTests(RedisServer redis, ITestOutputHelper output)
    : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _connection = ConnectionMultiplexer.Connect(redis.ConnectionString);

    public void Dispose() => _connection.Dispose();

    private (FaceStore Store, ScanIndex Scan) Create(int megabytes = 1024, int changeLog = 10_000,
        int copyFirst = 10_000, int exactFilter = 2000)
    {
        var options = Options.Create(new VectorStoreOptions
        {
            ScanCacheMegabytes = megabytes, ChangeLogLength = changeLog, ScanCopyFirstVectors = copyFirst,
            ExactFilterScanLimit = exactFilter,
        });
        var scan = new ScanIndex(_connection, options, TimeProvider.System, NullLogger<ScanIndex>.Instance);
        return (new FaceStore(_connection, options, TimeProvider.System, scan), scan);
    }

    // Another Api replica: writes through its own store, so the copy only learns of them from Redis.
    private FaceStore OtherReplica() => new(_connection, Options.Create(new VectorStoreOptions()), TimeProvider.System);

    private static string Tenant() => Guid.NewGuid().ToString("N");

    private static async Task<float[][]> Fill(FaceStore store, string tenant, string group, int count, int dims,
        Random random, string prefix = "v")
    {
        var vectors = new float[count][];
        var writes = new List<VectorWrite>(count);
        for (var i = 0; i < count; i++)
        {
            vectors[i] = RandomUnit(random, dims);
            writes.Add(new VectorWrite(vectors[i], null, VectorSources.Vector, $"{prefix}{i:D5}"));
        }
        foreach (var chunk in writes.Chunk(250)) await store.UpsertAsync(tenant, group, chunk);
        return vectors;
    }

    private static async Task Warm(FaceStore store, ScanIndex scan, string tenant, string group, int dims)
    {
        await store.SearchAsync(tenant, group, RandomUnit(new Random(1), dims), 1, null);
        await scan.WhenLoaded(tenant, group);
        Assert.NotNull(scan.Find(tenant, group));
    }

    [Theory]
    [InlineData(100, true)] // larger than ScanCopyFirstVectors: waits for its copy
    [InlineData(1000, false)] // smaller: the graph (with the pending ids) answers while the copy loads
    public async Task A_large_groups_first_search_on_an_api_without_its_copy_is_answered_by_the_copy(int copyFirst,
        bool byCopy)
    {
        var tenant = Tenant();
        var (writer, _) = Create();
        await writer.CreateGroupAsync(tenant, "big");
        var vectors = await Fill(writer, tenant, "big", 300, 32, new Random(5));
        await writer.IndexAllAsync(tenant, "big"); // all in the graph, nothing pending

        // An Api that just started: no copy of the group.
        var (store, scan) = Create(copyFirst: copyFirst);
        var served = scan.Served;
        var hits = await store.SearchAsync(tenant, "big", vectors[42], 1, null);
        Assert.Equal("v00042", Assert.Single(hits).Id);
        Assert.Equal(byCopy ? served + 1 : served, scan.Served);
    }

    [Fact]
    public async Task Right_after_a_bulk_load_too_large_to_read_per_search_the_first_search_waits_for_the_copy()
    {
        var (store, scan) = Create();
        var tenant = Tenant();
        const int dims = 16, count = FaceStore.PendingScanLimit + 1000;
        var random = new Random(21);
        await store.CreateGroupAsync(tenant, "bulk");
        // No indexer ran: nothing is in the graph, and more ids are pending than a search reads one by one.
        var vectors = await Fill(store, tenant, "bulk", count, dims, random);
        Assert.Equal(count, (await store.GetGroupAsync(tenant, "bulk"))!.PendingIndex);
        Assert.Null(scan.Find(tenant, "bulk"));

        var served = scan.Served;
        for (var q = 0; q < 5; q++)
        {
            var query = RandomUnit(random, dims);
            var truth = Enumerable.Range(0, count).OrderByDescending(i => VectorMath.Cosine(query, vectors[i]))
                .Take(10).Select(i => $"v{i:D5}");
            var hits = await store.SearchAsync(tenant, "bulk", query, 10, null);
            Assert.Equal(truth, hits.Select(h => h.Id));
        }
        // Every answer came from the copy: the first search waited for its load.
        Assert.Equal(served + 5, scan.Served);
    }

    [Fact]
    public async Task A_filter_matching_many_vectors_is_answered_exactly_by_the_copy_among_the_matching_ones_only()
    {
        var tenant = Tenant();
        // A filter matching over 100 vectors is past the exact scan of the matches: the graph's filtered walk would
        // answer it, and on one-bit codes it misses true neighbours.
        var (store, scan) = Create(exactFilter: 100);
        await store.CreateGroupAsync(tenant, "events");
        const int count = 3000, dims = 128;
        var random = new Random(77);
        var vectors = new float[count][];
        var writes = new List<VectorWrite>(count);
        for (var i = 0; i < count; i++)
        {
            vectors[i] = RandomUnit(random, dims);
            writes.Add(new VectorWrite(vectors[i], new Dictionary<string, string> { ["event"] = $"e{i % 3}" },
                VectorSources.Vector, $"v{i:D5}"));
        }
        foreach (var chunk in writes.Chunk(250)) await store.UpsertAsync(tenant, "events", chunk);
        await store.IndexAllAsync(tenant, "events");
        await Warm(store, scan, tenant, "events", dims);

        List<string> Truth(float[] query, string @event) => [.. Enumerable.Range(0, count)
            .Where(i => $"e{i % 3}" == @event)
            .OrderByDescending(i => VectorMath.Cosine(query, vectors[i])).Take(10).Select(i => $"v{i:D5}")];
        var served = scan.Served;
        for (var q = 0; q < 10; q++)
        {
            var query = RandomUnit(random, dims);
            var hits = await store.SearchAsync(tenant, "events", query, 10,
                new Dictionary<string, string> { ["event"] = "e1" });
            Assert.Equal(Truth(query, "e1"), hits.Select(h => h.Id));
        }
        Assert.Equal(served + 10, scan.Served);

        // Another Api moves v00001 from e1 to e2: the copy learns it from the change log before it answers.
        await OtherReplica().UpsertAsync(tenant, "events", [new VectorWrite(vectors[1],
            new Dictionary<string, string> { ["event"] = "e2" }, VectorSources.Vector, "v00001")]);
        var e2 = await store.SearchAsync(tenant, "events", vectors[1], 1,
            new Dictionary<string, string> { ["event"] = "e2" });
        Assert.Equal("v00001", Assert.Single(e2).Id);
        var e1 = await store.SearchAsync(tenant, "events", vectors[1], 10,
            new Dictionary<string, string> { ["event"] = "e1" });
        Assert.DoesNotContain("v00001", e1.Select(h => h.Id));
        Assert.Equal(10, e1.Count);

        // An Api without the copy waits for it when the group is over ScanCopyFirstVectors, filtered or not.
        var (fresh, freshScan) = Create(copyFirst: 1000, exactFilter: 100);
        var query2 = RandomUnit(random, dims);
        var first = await fresh.SearchAsync(tenant, "events", query2, 10,
            new Dictionary<string, string> { ["event"] = "e0" });
        Assert.Equal(Truth(query2, "e0"), first.Select(h => h.Id));
        Assert.Equal(1, freshScan.Served);
    }

    private async Task<string[]> RedisIds(string tenant, string group) =>
        [.. (await _connection.GetDatabase().SortedSetRangeByRankAsync(new StoreKeys(tenant).Ids(group)))
            .Select(v => (string)v!)];

    [Fact]
    public async Task Copy_returns_the_exact_top_10_of_random_512d_vectors()
    {
        var tenant = Tenant();
        var (store, scan) = Create();
        await store.CreateGroupAsync(tenant, "recall");
        var random = new Random(2026);
        const int count = 2000, dims = 512;
        var vectors = await Fill(store, tenant, "recall", count, dims, random);
        await Warm(store, scan, tenant, "recall", dims);

        var served = scan.Served;
        double found = 0;
        const int queries = 40;
        for (var q = 0; q < queries; q++)
        {
            var query = RandomUnit(random, dims);
            var truth = Enumerable.Range(0, count).OrderByDescending(i => VectorMath.Cosine(query, vectors[i]))
                .Take(10).Select(i => $"v{i:D5}").ToList();
            var hits = await store.SearchAsync(tenant, "recall", query, 10, null);
            Assert.Equal(10, hits.Count);
            Assert.All(hits, h => Assert.Equal(VectorMath.Cosine(query, vectors[int.Parse(h.Id[1..])]), h.Score, 6));
            found += hits.Select(h => h.Id).Intersect(truth).Count();
        }
        Assert.Equal(served + queries, scan.Served);
        output.WriteLine($"scan copy recall@10 on {count} random {dims}-d: {found / (queries * 10):F4}");
        Assert.Equal(1.0, found / (queries * 10));
    }

    [Fact]
    public async Task Writes_from_another_replica_are_seen_by_the_next_search()
    {
        var tenant = Tenant();
        var (store, scan) = Create();
        var other = OtherReplica();
        await store.CreateGroupAsync(tenant, "live");
        await store.CreateGroupAsync(tenant, "elsewhere");
        var random = new Random(5);
        const int dims = 64;
        var vectors = await Fill(store, tenant, "live", 300, dims, random);
        await Warm(store, scan, tenant, "live", dims);
        var served = scan.Served;

        // Added elsewhere: found at once, as the best hit.
        var fresh = RandomUnit(random, dims);
        await other.AddAsync(tenant, "live", new VectorWrite(fresh, null, VectorSources.Vector, "fresh"));
        var hits = await store.SearchAsync(tenant, "live", fresh, 3, null);
        Assert.Equal("fresh", hits[0].Id);
        Assert.Equal(1.0, hits[0].Score, 5);

        // Replaced with another vector: the old direction no longer finds it first.
        var replacement = RandomUnit(random, dims);
        await other.UpsertAsync(tenant, "live", [new VectorWrite(replacement, null, VectorSources.Vector, "fresh")]);
        Assert.NotEqual("fresh", (await store.SearchAsync(tenant, "live", fresh, 1, null))[0].Id);
        Assert.Equal("fresh", (await store.SearchAsync(tenant, "live", replacement, 1, null))[0].Id);

        // Deleted, and moved to another group: gone from this group's answers.
        await other.DeleteVectorsAsync(tenant, "live", ["fresh"]);
        Assert.DoesNotContain("fresh",
            (await store.SearchAsync(tenant, "live", replacement, 5, null)).Select(h => h.Id));
        await other.UpsertAsync(tenant, "elsewhere",
            [new VectorWrite(vectors[7], null, VectorSources.Vector, "v00007")]);
        Assert.DoesNotContain("v00007",
            (await store.SearchAsync(tenant, "live", vectors[7], 5, null)).Select(h => h.Id));

        Assert.Equal(served + 5, scan.Served);
        Assert.Equal(await RedisIds(tenant, "live"), scan.Find(tenant, "live")!.Ids().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_group_deleted_and_created_again_elsewhere_is_not_answered_from_the_old_copy()
    {
        var tenant = Tenant();
        var (store, scan) = Create();
        var other = OtherReplica();
        await store.CreateGroupAsync(tenant, "again");
        var random = new Random(9);
        var old = await Fill(store, tenant, "again", 50, 32, random, "old");
        await Warm(store, scan, tenant, "again", 32);

        Assert.True(await other.DeleteGroupAsync(tenant, "again"));
        await other.CreateGroupAsync(tenant, "again");
        var renewed = await Fill(other, tenant, "again", 20, 32, random, "new");
        // Same revision count is possible after re-creation; the generation tells the groups apart.
        var hits = await store.SearchAsync(tenant, "again", old[3], 5, null);
        Assert.All(hits, h => Assert.StartsWith("new", h.Id));
        await scan.WhenLoaded(tenant, "again");
        Assert.Equal("new00004", (await store.SearchAsync(tenant, "again", renewed[4], 1, null))[0].Id);
        Assert.Equal(await RedisIds(tenant, "again"), scan.Find(tenant, "again")!.Ids().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_copy_the_change_log_has_moved_past_is_reloaded_and_answers_stay_right_meanwhile()
    {
        var tenant = Tenant();
        var (store, scan) = Create(changeLog: 100);
        var other = OtherReplica();
        await store.CreateGroupAsync(tenant, "busy");
        var random = new Random(11);
        const int dims = 32;
        await Fill(store, tenant, "busy", 50, dims, random);
        await Warm(store, scan, tenant, "busy", dims);

        // 400 changes with a log kept to ~100: the copy cannot catch up from the log.
        var later = await Fill(other, tenant, "busy", 400, dims, random, "late");
        var served = scan.Served;
        var hits = await store.SearchAsync(tenant, "busy", later[399], 1, null);
        Assert.Equal("late00399", hits[0].Id);
        Assert.Equal(served, scan.Served);

        await scan.WhenLoaded(tenant, "busy");
        Assert.Equal("late00123", (await store.SearchAsync(tenant, "busy", later[123], 1, null))[0].Id);
        Assert.Equal(served + 1, scan.Served);
        Assert.Equal(450, scan.Find(tenant, "busy")!.Count);
    }

    [Fact]
    public async Task Writes_during_a_load_end_up_in_the_copy()
    {
        var tenant = Tenant();
        var (store, scan) = Create();
        var other = OtherReplica();
        await store.CreateGroupAsync(tenant, "moving");
        var random = new Random(13);
        const int dims = 64;
        var vectors = await Fill(store, tenant, "moving", 3000, dims, random);

        await store.SearchAsync(tenant, "moving", vectors[0], 1, null);
        var load = scan.WhenLoaded(tenant, "moving");
        for (var i = 0; i < 100; i++)
        {
            await other.AddAsync(tenant, "moving",
                new VectorWrite(RandomUnit(random, dims), null, VectorSources.Vector, $"w{i:D3}"));
            await other.DeleteVectorsAsync(tenant, "moving", [$"v{i * 29:D5}"]);
        }
        await load;
        await store.SearchAsync(tenant, "moving", vectors[1], 1, null);
        Assert.Equal(await RedisIds(tenant, "moving"),
            scan.Find(tenant, "moving")!.Ids().Order(StringComparer.Ordinal));
        Assert.Equal(3000, scan.Find(tenant, "moving")!.Count);
    }

    [Fact]
    public async Task Groups_over_the_budget_use_the_index_and_the_least_recently_searched_copy_goes_first()
    {
        var tenant = Tenant();
        // 1 MB: a 2,500 × 512-d group (~1.6 MB) does not fit; two 900 × 512-d groups (~0.58 MB each) fit only one at a
        // time.
        var (store, scan) = Create(megabytes: 1);
        var random = new Random(17);
        await store.CreateGroupAsync(tenant, "big");
        var big = await Fill(store, tenant, "big", 2500, 512, random);
        await store.SearchAsync(tenant, "big", big[0], 1, null);
        await scan.WhenLoaded(tenant, "big");
        Assert.Null(scan.Find(tenant, "big"));
        Assert.Equal("v00042", (await store.SearchAsync(tenant, "big", big[42], 1, null))[0].Id);
        Assert.Equal(0, scan.Served);

        await store.CreateGroupAsync(tenant, "a");
        await store.CreateGroupAsync(tenant, "b");
        await Fill(store, tenant, "a", 900, 512, random, "a");
        await Fill(store, tenant, "b", 900, 512, random, "b");
        await Warm(store, scan, tenant, "a", 512);
        await Warm(store, scan, tenant, "b", 512);
        Assert.Null(scan.Find(tenant, "a"));
    }
}
