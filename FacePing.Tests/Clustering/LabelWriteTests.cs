using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Tests.Clustering;

/// <summary>FaceStore.WriteLabelsAsync, the single-key metadata write of cluster jobs, on a real Redis 8.</summary>
public sealed class LabelWriteTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _connection = ConnectionMultiplexer.Connect(redis.ConnectionString);

    public void Dispose() => _connection.Dispose();

    private FaceStore Store() => new(_connection, Options.Create(new VectorStoreOptions()), TimeProvider.System);

    private IDatabase Db => _connection.GetDatabase();

    private async Task<(string Tenant, FaceStore Store)> GroupAsync(
        params (string Id, Dictionary<string, string>? Metadata)[] vectors)
    {
        var tenant = Guid.NewGuid().ToString("N");
        var store = Store();
        await store.CreateGroupAsync(tenant, "g");
        var random = new Random(1);
        await store.UpsertAsync(tenant, "g", [.. vectors.Select(v =>
            new VectorWrite(Api.ApiTestData.RandomUnit(random, 8), v.Metadata, VectorSources.Vector, v.Id))]);
        await store.IndexAllAsync(tenant, "g");
        return (tenant, store);
    }

    private async Task<string[]> MembersAsync(string tenant, string key, string value) =>
        [.. (await Db.SetMembersAsync(new StoreKeys(tenant).Inverted("g", key, value))).Select(v => (string)v!)
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Labels_are_set_moved_and_cleared_with_every_index_and_other_metadata_untouched()
    {
        var (tenant, store) = await GroupAsync(
            ("a", new() { ["name"] = "Zoë \"Z\" <b>" }), ("b", new() { ["c"] = "old" }), ("c", new() { ["c"] = "2" }),
            ("d", null));
        var keys = new StoreKeys(tenant);
        var rev = (long)await Db.HashGetAsync(keys.Group("g"), "rev");

        // a and b get 1, c keeps 2 (unchanged), d gets 2; b's old value goes.
        var result = await store.WriteLabelsAsync(tenant, "g", "c",
            new Dictionary<string, string> { ["a"] = "1", ["b"] = "1", ["c"] = "2", ["d"] = "2" });
        Assert.Equal(new LabelWriteResult(3, 0), result);
        Assert.Equal(["a", "b"], await MembersAsync(tenant, "c", "1"));
        Assert.Equal(["c", "d"], await MembersAsync(tenant, "c", "2"));
        Assert.Empty(await MembersAsync(tenant, "c", "old"));
        var a = (await store.GetVectorAsync(tenant, "a"))!;
        Assert.Equal("Zoë \"Z\" <b>", a.Metadata["name"]);
        Assert.Equal("1", a.Metadata["c"]);
        Assert.Equal(["a"], await MembersAsync(tenant, "name", "Zoë \"Z\" <b>"));
        // One rev step and log entry per changed vector, none for c.
        Assert.Equal(rev + 3, (long)await Db.HashGetAsync(keys.Group("g"), "rev"));
        Assert.Equal(rev + 3, await Db.StreamLengthAsync(keys.Group("g").Append(":log")));
        // The vector set's attributes are the filter tokens of the new metadata.
        var attributes = (string)(await Db.ExecuteAsync("VGETATTR", keys.VectorSet("g"), "d"))!;
        Assert.Contains(FilterTokens.Token("c", "2"), attributes);
        Assert.Contains(FilterTokens.Token(SystemMetadata.Source, VectorSources.Vector), attributes);

        // A later write with fewer labels clears the rest.
        result = await store.WriteLabelsAsync(tenant, "g", "c", new Dictionary<string, string> { ["d"] = "1" });
        Assert.Equal(new LabelWriteResult(1, 3), result);
        Assert.Equal(["d"], await MembersAsync(tenant, "c", "1"));
        Assert.Empty(await MembersAsync(tenant, "c", "2"));
        Assert.False((await store.GetVectorAsync(tenant, "a"))!.Metadata.ContainsKey("c"));
        var cleared = (string)(await Db.ExecuteAsync("VGETATTR", keys.VectorSet("g"), "a"))!;
        Assert.DoesNotContain(FilterTokens.Token("c", "1"), cleared);
        Assert.Contains(FilterTokens.Token("name", "Zoë \"Z\" <b>"), cleared);
    }

    [Fact]
    public async Task Deleted_and_moved_vectors_are_skipped_and_bad_keys_and_groups_refused()
    {
        var (tenant, store) = await GroupAsync(("a", null), ("b", null), ("c", null));
        await store.DeleteVectorsAsync(tenant, "g", ["b"]);
        await store.CreateGroupAsync(tenant, "other");
        await store.UpsertAsync(tenant, "other", [new VectorWrite(new float[8], null, VectorSources.Vector, "c")]);
        var result = await store.WriteLabelsAsync(tenant, "g", "k",
            new Dictionary<string, string> { ["a"] = "1", ["b"] = "1", ["c"] = "1", ["zz"] = "1" });
        Assert.Equal(new LabelWriteResult(1, 0), result);
        Assert.Equal(["a"], await MembersAsync(tenant, "k", "1"));
        Assert.False((await store.GetVectorAsync(tenant, "c"))!.Metadata.ContainsKey("k"));

        var none = new Dictionary<string, string>();
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.WriteLabelsAsync(tenant, "g", SystemMetadata.JobId, none));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteLabelsAsync(tenant, "g", "a=b", none));
        // A missing group is refused even when none of the listed vectors is in it.
        await Assert.ThrowsAsync<GroupNotFoundException>(() =>
            store.WriteLabelsAsync(tenant, "nope", "k", new Dictionary<string, string> { ["a"] = "1" }));
    }

    [Fact]
    public async Task The_script_changes_nothing_when_the_metadata_is_not_the_one_it_was_computed_from()
    {
        var (tenant, store) = await GroupAsync(("a", new() { ["k"] = "1" }));
        var keys = new StoreKeys(tenant);
        var current = (string)(await Db.HashGetAsync(keys.Vector("a"), "meta"))!;
        var rev = (long)await Db.HashGetAsync(keys.Group("g"), "rev");
        var stale = current.Replace("\"k\":\"1\"", "\"k\":\"0\"");
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(StoreScripts.ReplaceMetadata, [keys.Group("g")],
            [keys.Prefix, "g", 10000, "k", 1, "a", stale, current.Replace("\"k\":\"1\"", "\"k\":\"2\""),
                "{\"h\":[]}"]))!;
        Assert.Equal([0, 0], reply[..2].Select(r => (int)r));
        Assert.Equal("a", (string)reply[2]!);
        Assert.Equal(current, (string)(await Db.HashGetAsync(keys.Vector("a"), "meta"))!);
        Assert.Equal(["a"], await MembersAsync(tenant, "k", "1"));
        Assert.Equal(rev, (long)await Db.HashGetAsync(keys.Group("g"), "rev"));
    }
}
