using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Core.Vectors;
using FacePing.Tests.Infrastructure;
using StackExchange.Redis;

namespace FacePing.Tests.Store;

/// <summary>
/// A group created with <see cref="VectorStoreOptions.GraphShards"/> &gt; 1 keeps its HNSW graph in that many vector
/// sets with hash tags of their own. The write scripts cannot reach them, so the indexer writes every change (insert,
/// replace, relabel, delete, move) in three moves; these tests check the parts end up holding exactly the group's
/// vectors, and that searches through the parts are exact, on one Redis server (on a cluster: ClusterGraphPartsTests).
/// </summary>
public sealed class GraphPartsTests : OwnRedisStoreTests
{
    private const int Dims = 32;
    private const int Parts = 3;

    // Q8 on 32-d: the graph's own recall is not what is tested here, its contents are.
    internal static VectorStoreOptions Options(int shards = Parts) => new()
    {
        GraphShards = shards,
        Quantization = "Q8",
        IndexBatchSize = 16,
        IndexerIdleMilliseconds = 20,
        IndexerPauseMilliseconds = 0,
        ExactFilterScanLimit = 0,
    };

    private FaceStore Store() => Store(Options());

    internal static Task<float[][]> LoadAsync(FaceStore store, string tenant, string group, int count, int seed) =>
        LoadAsync(store, tenant, group, count, seed, Dims, Id, classes: 5);

    internal static string Id(int i) => $"v{i:D4}";

    /// <summary>The group's parts, as the store names them (from the group hash).</summary>
    internal static async Task<RedisKey[]> PartsAsync(IDatabase db, string tenant, string group)
    {
        var keys = new StoreKeys(tenant);
        var fields = await db.HashGetAsync(keys.Group(group), ["gen", "shards"]);
        return keys.Graph(group, (string)fields[0]!, (int)fields[1]);
    }

    /// <summary>
    /// Every part holds exactly the group's ids that hash to it, each with its stored vector and its metadata's
    /// tokens (so nothing stale survives a replace, relabel, move or delete), and nothing is pending.
    /// </summary>
    internal static async Task AssertPartsHoldTheGroupAsync(IDatabase db, FaceStore store, string tenant,
        string group)
    {
        var keys = new StoreKeys(tenant);
        Assert.Equal(0, await db.SetLengthAsync(keys.Pending(group)));
        Assert.False(await db.KeyExistsAsync(keys.VectorSet(group)));
        Assert.Equal("Q8", (string?)await db.HashGetAsync(keys.Group(group), "quant"));
        var parts = await PartsAsync(db, tenant, group);
        var ids = (await db.SortedSetRangeByRankAsync(keys.Ids(group))).Select(v => (string)v!).ToHashSet();
        var seen = new HashSet<string>();
        for (var s = 0; s < parts.Length; s++)
        {
            if (!await db.KeyExistsAsync(parts[s])) continue;
            var members = (RedisValue[])(await db.ExecuteAsync("VRANDMEMBER", parts[s], -100_000))!;
            // Built as the group was created (Q8 here), whichever indexer wrote the part.
            var info = (RedisResult[])(await db.ExecuteAsync("VINFO", parts[s]))!;
            Assert.True(Enumerable.Range(0, info.Length / 2).Any(i =>
                (string?)info[2 * i] == "quant-type" && (string?)info[2 * i + 1] == "int8"),
                string.Join(" ", info.Select(x => x.ToString())));
            foreach (var member in members.Select(m => (string)m!).Distinct())
            {
                Assert.Contains(member, ids);
                Assert.Equal(s, StoreKeys.GraphShard(member, parts.Length));
                Assert.True(seen.Add(member), $"{member} is in two parts");
                var stored = (await store.GetVectorAsync(tenant, member))!;
                var node = ((RedisResult[])(await db.ExecuteAsync("VEMB", parts[s], member))!)
                    .Select(x => (float)(double)x).ToArray();
                Assert.True(VectorMath.Cosine(stored.Vector, node) > 0.99, $"{member}'s node is not its vector");
                var attributes = (string)(await db.ExecuteAsync("VGETATTR", parts[s], member))!;
                Assert.Equal(FilterTokens.Attributes(stored.Metadata), attributes);
            }
        }
        Assert.Equal(ids.Order(), seen.Order());
    }

    private async Task AssertTopAsync(FaceStore store, string tenant, string group, float[][] vectors, int probe,
        IReadOnlyDictionary<string, string>? filter = null)
    {
        var truth = Enumerable.Range(0, vectors.Length)
            .Where(j => vectors[j] is not null && (filter is null || (j % 5).ToString() == filter["n"]))
            .OrderByDescending(j => VectorMath.Cosine(vectors[probe], vectors[j])).Take(5).Select(Id).ToList();
        var hits = await store.SearchAsync(tenant, group, vectors[probe], 5, filter);
        Assert.Equal(truth, hits.Select(h => h.Id));
    }

    [Fact]
    public async Task A_split_graph_holds_every_vector_once_in_its_part_and_searches_ask_every_part()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var store = Store();
        var db = Connection.GetDatabase();
        var vectors = await LoadAsync(store, tenant, "g", 600, seed: 11);
        Assert.Equal(Parts, (int)await db.HashGetAsync(new StoreKeys(tenant).Group("g"), "shards"));

        // Found before any graph insert (all pending), half-way, and from the parts alone.
        await AssertTopAsync(store, tenant, "g", vectors, 7);
        var step = await store.IndexPendingAsync(tenant, "g", FaceStore.IndexAllHolder, 300, TimeSpan.FromSeconds(10));
        Assert.Equal(new IndexStep(IndexOutcome.Indexed, 300, 300), step with { Graph = default });
        await AssertTopAsync(store, tenant, "g", vectors, 7);
        await store.IndexAllAsync(tenant, "g");
        await AssertPartsHoldTheGroupAsync(db, store, tenant, "g");
        var parts = await PartsAsync(db, tenant, "g");
        foreach (var part in parts) Assert.True((long)await db.ExecuteAsync("VCARD", part) > 100);
        foreach (var probe in new[] { 0, 123, 599 })
        {
            await AssertTopAsync(store, tenant, "g", vectors, probe);
            // ExactFilterScanLimit 0: a filtered search walks each part with VSIM's FILTER.
            await AssertTopAsync(store, tenant, "g", vectors, probe,
                new Dictionary<string, string> { ["n"] = (probe % 5).ToString() });
        }

        // Deleting the group deletes its parts; a group created again under the name starts with none.
        Assert.True(await store.DeleteGroupAsync(tenant, "g"));
        foreach (var part in parts) Assert.False(await db.KeyExistsAsync(part));
        await store.CreateGroupAsync(tenant, "g");
        Assert.DoesNotContain((await PartsAsync(db, tenant, "g"))[0], parts);
    }

    [Fact]
    public async Task Replaces_relabels_moves_and_deletes_reach_the_parts_through_the_indexer()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var store = Store();
        var db = Connection.GetDatabase();
        var vectors = await LoadAsync(store, tenant, "g", 300, seed: 12);
        await store.CreateGroupAsync(tenant, "other");
        await store.IndexAllAsync(tenant, "g");
        var random = new Random(13);

        // Replaced (a new vector), relabelled (its tokens), moved to another split group, deleted.
        vectors[10] = Api.ApiTestData.RandomUnit(random, Dims);
        await store.UpsertAsync(tenant, "g", [new VectorWrite(vectors[10],
            new Dictionary<string, string> { ["n"] = "0" }, VectorSources.Vector, Id(10))]);
        Assert.Equal(1, (await store.WriteLabelsAsync(tenant, "g", "person",
            new Dictionary<string, string> { [Id(20)] = "ann" })).Labelled);
        await store.UpsertAsync(tenant, "other", [new VectorWrite(vectors[30], null, VectorSources.Vector, Id(30))]);
        Assert.Equal(1, (await store.DeleteVectorsAsync(tenant, "g", [Id(40)])).Deleted);
        vectors[30] = null!;
        vectors[40] = null!;
        // Each left the group's pending set something to do; searches are exact meanwhile.
        Assert.Equal(4, await db.SetLengthAsync(new StoreKeys(tenant).Pending("g")));
        await AssertTopAsync(store, tenant, "g", vectors, 10);
        Assert.DoesNotContain(Id(30), (await store.SearchAsync(tenant, "g", vectors[31], 300, null)).Select(h => h.Id));

        await store.IndexAllAsync(tenant, "g");
        await store.IndexAllAsync(tenant, "other");
        await AssertPartsHoldTheGroupAsync(db, store, tenant, "g");
        await AssertPartsHoldTheGroupAsync(db, store, tenant, "other");
        var person = await store.SearchAsync(tenant, "g", vectors[20], 1,
            new Dictionary<string, string> { ["person"] = "ann" });
        Assert.Equal(Id(20), Assert.Single(person).Id);
        await AssertTopAsync(store, tenant, "g", vectors, 10);
    }

    [Fact]
    public async Task Writes_racing_the_indexer_leave_the_parts_exactly_as_the_group()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var options = Options();
        var store = Store(options);
        var db = Connection.GetDatabase();
        await LoadAsync(store, tenant, "g", 400, seed: 14);
        using var indexer = Indexer(store, options);
        await indexer.StartAsync(CancellationToken.None);
        try
        {
            // Every kind of change, on the ids the indexer is busy with, while it works.
            var random = new Random(15);
            for (var round = 0; round < 40; round++)
            {
                var id = Id(random.Next(400));
                switch (round % 4)
                {
                    case 0:
                        await store.UpsertAsync(tenant, "g", [new VectorWrite(Api.ApiTestData.RandomUnit(random, Dims),
                            null, VectorSources.Vector, id)]);
                        break;
                    case 1:
                        await store.WriteLabelsAsync(tenant, "g", "round",
                            new Dictionary<string, string> { [id] = round.ToString() });
                        break;
                    case 2:
                        await store.DeleteVectorsAsync(tenant, "g", [id]);
                        break;
                    default:
                        await store.UpsertAsync(tenant, "g", [new VectorWrite(Api.ApiTestData.RandomUnit(random, Dims),
                            null, VectorSources.Vector, Id(1000 + round))]);
                        break;
                }
                await Task.Delay(random.Next(5));
            }
            await RedisSentinelGroup.WaitUntilAsync(async () =>
                    await db.SetLengthAsync(new StoreKeys(tenant).Pending("g")) == 0,
                TimeSpan.FromSeconds(60), "the indexer drained the group");
        }
        finally
        {
            await indexer.StopAsync(CancellationToken.None);
        }
        await AssertPartsHoldTheGroupAsync(db, store, tenant, "g");
    }

    [Fact]
    public async Task Every_indexer_builds_the_parts_with_the_settings_the_group_was_created_with()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var store = Store();
        var db = Connection.GetDatabase();
        await LoadAsync(store, tenant, "g", 200, seed: 18);
        // Half built by an indexer of other settings (the default BIN, M 32), half by one of the group's own: one
        // kind of part, so their scores can be merged.
        var other = Store(new VectorStoreOptions { Quantization = "BIN", HnswLinks = 32, GraphShards = Parts });
        var step = await other.IndexPendingAsync(tenant, "g", FaceStore.IndexAllHolder, 100, TimeSpan.FromSeconds(10));
        Assert.Equal(new IndexStep(IndexOutcome.Indexed, 100, 100), step with { Graph = default });
        Assert.True(step.Graph > TimeSpan.Zero);
        await store.IndexAllAsync(tenant, "g");
        await AssertPartsHoldTheGroupAsync(db, store, tenant, "g");
        foreach (var part in await PartsAsync(db, tenant, "g"))
        {
            var info = (RedisResult[])(await db.ExecuteAsync("VINFO", part))!;
            Assert.Contains(Enumerable.Range(0, info.Length / 2), i =>
                (string?)info[2 * i] == "hnsw-m" && (long)info[2 * i + 1] == 16);
        }
    }

    [Fact]
    public async Task A_vector_moved_out_of_a_split_group_leaves_its_part_at_the_indexers_next_look()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var options = Options();
        var store = Store(options);
        var db = Connection.GetDatabase();
        var vectors = await LoadAsync(store, tenant, "g", 100, seed: 17);
        await store.CreateGroupAsync(tenant, "other");
        using var indexer = Indexer(store, options);
        await indexer.StartAsync(CancellationToken.None);
        try
        {
            // The indexer has drained the group and taken it off its list before the move.
            await RedisSentinelGroup.WaitUntilAsync(async () =>
                    !(await store.IndexingListAsync()).Contains((tenant, "g")) &&
                    await db.SetLengthAsync(new StoreKeys(tenant).Pending("g")) == 0,
                TimeSpan.FromSeconds(60), "the indexer drained the group");

            await store.UpsertAsync(tenant, "other", [new VectorWrite(vectors[5], null, VectorSources.Vector, Id(5))]);

            // The old group is noted by the move itself: its node goes now, not at the indexer's 10-minute scan.
            await RedisSentinelGroup.WaitUntilAsync(async () =>
                    await db.SetLengthAsync(new StoreKeys(tenant).Pending("g")) == 0 &&
                    await db.SetLengthAsync(new StoreKeys(tenant).Pending("other")) == 0,
                TimeSpan.FromSeconds(30), "the indexer took the node out of the old group's part");
        }
        finally
        {
            await indexer.StopAsync(CancellationToken.None);
        }
        await AssertPartsHoldTheGroupAsync(db, store, tenant, "g");
        await AssertPartsHoldTheGroupAsync(db, store, tenant, "other");
        Assert.DoesNotContain(Id(5), (await store.SearchAsync(tenant, "g", vectors[5], 100, null)).Select(h => h.Id));
    }

    [Fact]
    public void Parts_spread_over_the_slot_ranges_and_their_slots_are_redis_clusters()
    {
        // Redis Cluster's specification gives CRC16("123456789") = 0x31C3.
        Assert.Equal(0x31C3, StoreKeys.HashSlot("123456789"));
        var keys = new StoreKeys("tenant");
        foreach (var shards in new[] { 2, 3, 12 })
        {
            var parts = keys.Graph("g", "gen", shards);
            var width = 16384 / shards;
            // One part in each of the equal slot ranges, in the middle half of it (whatever the layout's edges).
            var ranges = parts.Select(p => StoreKeys.HashSlot(((string)p!)[1..((string)p!).IndexOf('}')])).ToList();
            Assert.Equal(Enumerable.Range(0, shards), ranges.Select(slot => slot / width).Order());
            Assert.All(ranges, slot => Assert.InRange(slot % width, width / 4, 3 * width / 4));
            Assert.Equal(parts, keys.Graph("g", "gen", shards));
        }
    }

    [Fact]
    public async Task Groups_made_with_one_part_keep_their_one_vector_set()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var store = Store(Options(shards: 1));
        var db = Connection.GetDatabase();
        await LoadAsync(store, tenant, "g", 50, seed: 16);
        await store.IndexAllAsync(tenant, "g");
        Assert.False(await db.HashExistsAsync(new StoreKeys(tenant).Group("g"), "shards"));
        Assert.Equal(50, (long)await db.ExecuteAsync("VCARD", new StoreKeys(tenant).VectorSet("g")));
    }
}
