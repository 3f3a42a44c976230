using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace FacePing.Tests.Store;

public sealed class FaceStoreTests(RedisServer redis, ITestOutputHelper output)
    : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _connection = ConnectionMultiplexer.Connect(redis.ConnectionString);

    public void Dispose() => _connection.Dispose();

    private FaceStore Store(int exactFilterScanLimit = 2000) =>
        new(_connection, Options.Create(new VectorStoreOptions { ExactFilterScanLimit = exactFilterScanLimit }),
            TimeProvider.System);

    private static string Tenant() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Filtered_search_is_exact_on_both_paths()
    {
        var tenant = Tenant();
        var random = new Random(42);
        const int count = 2400, dims = 128;
        var store = Store();
        await store.CreateGroupAsync(tenant, "f");
        var vectors = new float[count][];
        var writes = new List<VectorWrite>();
        for (var i = 0; i < count; i++)
        {
            vectors[i] = Api.ApiTestData.RandomUnit(random, dims);
            // "rare" matches 1 in 40 (60 vectors): a filter HNSW alone struggles with.
            var metadata = new Dictionary<string, string>
            {
                ["colour"] = (i % 3).ToString(),
                ["rare"] = i % 40 == 0 ? "yes" : "no"
            };
            writes.Add(new VectorWrite(vectors[i], metadata, VectorSources.Vector, $"v{i:D5}"));
        }
        foreach (var chunk in writes.Chunk(200)) await store.UpsertAsync(tenant, "f", chunk);
        // In the graph, so the filtered path below is VSIM's FILTER (pending ids would be scanned exactly).
        await store.IndexAllAsync(tenant, "f");

        var exactScan = Store(exactFilterScanLimit: 2000);
        var indexOnly = Store(exactFilterScanLimit: 0); // forces VSIM ... FILTER
        double foundScan = 0, foundIndex = 0, total = 0;
        for (var q = 0; q < 20; q++)
        {
            var query = Api.ApiTestData.RandomUnit(random, dims);
            var filter = q % 2 == 0
                ? new Dictionary<string, string> { ["colour"] = "1" }
                : new Dictionary<string, string> { ["rare"] = "yes", ["colour"] = "0" };
            var truth = Enumerable.Range(0, count)
                .Where(i => filter.All(f => writes[i].Metadata![f.Key] == f.Value))
                .OrderByDescending(i => Core.Vectors.VectorMath.Cosine(query, vectors[i]))
                .Take(10).Select(i => $"v{i:D5}").ToList();
            var scan = await exactScan.SearchAsync(tenant, "f", query, 10, filter);
            var index = await indexOnly.SearchAsync(tenant, "f", query, 10, filter);
            Assert.All(scan.Concat(index), h => Assert.True(filter.All(f => h.Metadata[f.Key] == f.Value)));
            foundScan += scan.Select(h => h.Id).Intersect(truth).Count();
            foundIndex += index.Select(h => h.Id).Intersect(truth).Count();
            total += truth.Count;
        }
        output.WriteLine(
            $"filtered recall@10: exact-scan path {foundScan / total:F4}, VSIM FILTER path {foundIndex / total:F4}");
        Assert.Equal(1.0, foundScan / total);
        Assert.True(foundIndex / total >= 0.98, $"VSIM FILTER recall {foundIndex / total}");
    }

    [Fact]
    public async Task Server_code_sets_system_metadata_through_typed_properties()
    {
        var tenant = Tenant();
        var store = Store();
        await store.CreateGroupAsync(tenant, "ingest");
        var ids = await store.UpsertAsync(tenant, "ingest", [
            new VectorWrite([1, 0, 0], new Dictionary<string, string> { ["camera"] = "door" }, VectorSources.Drive,
                "drive-abc")
            {
                FileName = "a.jpg", FileId = "abc", JobId = "job-1",
            },
        ]);
        Assert.Equal(["drive-abc"], ids);
        var stored = await store.GetVectorAsync(tenant, "drive-abc");
        Assert.NotNull(stored);
        Assert.Equal("drive", stored.Metadata["source"]);
        Assert.Equal("a.jpg", stored.Metadata["fileName"]);
        Assert.Equal("abc", stored.Metadata["fileId"]);
        Assert.Equal("job-1", stored.Metadata["jobId"]);
        Assert.Equal("door", stored.Metadata["camera"]);
        Assert.True(DateTimeOffset.TryParse(stored.Metadata["createdAt"], out _));

        var hash = await _connection.GetDatabase().HashGetAllAsync(new StoreKeys(tenant).Vector("drive-abc"));
        var fields = hash.ToDictionary(e => (string)e.Name!, e => e.Value);
        // The vector in half precision (its length as a double, then 3 half floats); metadata only in the JSON.
        Assert.Equal(["group", "meta", "vh"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("ingest", (string?)fields["group"]);
        Assert.Equal(8 + 3 * 2, ((byte[])fields["vh"]!).Length);

        var byJob = await store.FindByMetadataAsync(tenant, null,
            new Dictionary<string, string> { ["jobId"] = "job-1" }, 10);
        Assert.Equal("drive-abc", byJob.Single().Id);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(tenant, "ingest",
            new VectorWrite([1, 0, 0], new Dictionary<string, string> { ["jobId"] = "forged" }, VectorSources.Vector)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(tenant, "ingest",
            new VectorWrite([1, 0, 0], null, VectorSources.Vector, "bad id")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(tenant, "ingest",
            new VectorWrite([1, 0, 0], null, "webcam")));
    }

    [Fact]
    public async Task Dimension_mismatch_and_missing_group_write_nothing()
    {
        var tenant = Tenant();
        var store = Store();
        await Assert.ThrowsAsync<GroupNotFoundException>(
            () => store.AddAsync(tenant, "none", new VectorWrite([1, 2], null, VectorSources.Vector)));
        await Assert.ThrowsAsync<GroupNotFoundException>(() => store.SearchAsync(tenant, "none", [1, 2], 5, null));
        await Assert.ThrowsAsync<GroupNotFoundException>(() => store.ListIdsAsync(tenant, "none", 10, null));
        await Assert.ThrowsAsync<GroupNotFoundException>(() => store.DeleteVectorsAsync(tenant, "none", ["x"]));
        Assert.False(await store.DeleteGroupAsync(tenant, "none"));
        Assert.Empty(KeysOf(tenant));

        await store.CreateGroupAsync(tenant, "g");
        await Assert.ThrowsAsync<GroupAlreadyExistsException>(() => store.CreateGroupAsync(tenant, "g"));
        await store.AddAsync(tenant, "g", new VectorWrite([1, 2, 3], null, VectorSources.Vector, "first"));
        var before = KeysOf(tenant);
        var e = await Assert.ThrowsAsync<DimensionMismatchException>(() => store.UpsertAsync(tenant, "g", [
            new VectorWrite([1, 2, 3, 4], new Dictionary<string, string> { ["k"] = "v" }, VectorSources.Vector,
                "second"),
        ]));
        Assert.Equal((3, 4), (e.Expected, e.Actual));
        Assert.Equal(before, KeysOf(tenant));
        Assert.Null(await store.GetVectorAsync(tenant, "second"));
        var search = await Assert.ThrowsAsync<DimensionMismatchException>(() =>
            store.SearchAsync(tenant, "g", [1, 2], 5, null));
        Assert.Equal((3, 2), (search.Expected, search.Actual));
    }

    [Fact]
    public async Task Every_structure_stays_consistent_after_replace_move_and_delete()
    {
        var tenant = Tenant();
        var store = Store();
        await store.CreateGroupAsync(tenant, "a");
        await store.CreateGroupAsync(tenant, "b");
        var meta = new Dictionary<string, string> { ["k"] = "1" };
        await store.UpsertAsync(tenant, "a",
        [
            new VectorWrite([1, 0], meta, VectorSources.Vector, "x"),
            new VectorWrite([0, 1], meta, VectorSources.Vector, "y"),
        ]);
        await store.UpsertAsync(tenant, "b",
            [new VectorWrite([1, 1], new Dictionary<string, string> { ["k"] = "2" }, VectorSources.Vector, "x")]);

        var db = _connection.GetDatabase();
        var keys = new StoreKeys(tenant);
        // Not in the graph yet: pending, each in the group it is in now.
        Assert.Equal(["y"], (await db.SetMembersAsync(keys.Pending("a"))).Select(v => (string)v!));
        Assert.Equal(["x"], (await db.SetMembersAsync(keys.Pending("b"))).Select(v => (string)v!));
        await store.IndexAllAsync(tenant, "a");
        await store.IndexAllAsync(tenant, "b");
        Assert.Equal(0, await db.SetLengthAsync(keys.Pending("a")));
        Assert.Equal(1L, (long)await db.ExecuteAsync("VCARD", keys.VectorSet("a")));
        // Moving an indexed vector takes it out of its old graph and queues it for the new one.
        await store.UpsertAsync(tenant, "a",
            [new VectorWrite([1, 1], new Dictionary<string, string> { ["k"] = "2" }, VectorSources.Vector, "x")]);
        Assert.Equal(0L, (long)await db.ExecuteAsync("VCARD", keys.VectorSet("b")));
        Assert.Equal(["x"], (await db.SetMembersAsync(keys.Pending("a"))).Select(v => (string)v!));
        await store.UpsertAsync(tenant, "b",
            [new VectorWrite([1, 1], new Dictionary<string, string> { ["k"] = "2" }, VectorSources.Vector, "x")]);
        Assert.Equal(0, await db.SetLengthAsync(keys.Pending("a")));
        Assert.Equal(1L, (long)await db.ExecuteAsync("VCARD", keys.VectorSet("a")));
        Assert.Equal(["y"], (await db.SetMembersAsync(keys.Inverted("a", "k", "1"))).Select(v => (string)v!));
        Assert.Equal(["x"], (await db.SetMembersAsync(keys.Inverted("b", "k", "2"))).Select(v => (string)v!));
        Assert.Equal("b", (await store.GetVectorAsync(tenant, "x"))!.GroupName);

        var result = await store.DeleteVectorsAsync(tenant, "b", ["x", "y"]);
        Assert.Equal(1, result.Deleted);
        Assert.Equal(["y"], result.NotFound);
        Assert.Equal(0L, (long)await db.ExecuteAsync("VCARD", keys.VectorSet("b")));
        Assert.Equal(0, await db.SetLengthAsync(keys.Pending("b")));
        Assert.False(await db.KeyExistsAsync(keys.Inverted("b", "k", "2")));
        Assert.False(await db.KeyExistsAsync(keys.Vector("x")));
        // The group keeps the dimension its first vector fixed.
        Assert.Equal(2, (await store.GetGroupAsync(tenant, "b"))!.Dimensions);
    }

    private List<string> KeysOf(string tenant) =>
        redis.Server.Keys(pattern: "{t:" + tenant + "}*", pageSize: 1000)
            .Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();
}
