using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Tests.Store;

/// <summary>
/// HNSW links (M) and quantization are fixed when a group's index is created; changing them in configuration
/// applies to new groups and must not break writes to existing ones (VADD refuses a mismatched M).
/// </summary>
public sealed class IndexSettingsTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _connection = ConnectionMultiplexer.Connect(redis.ConnectionString);

    public void Dispose() => _connection.Dispose();

    private FaceStore Store(int links, string quantization) =>
        new(_connection, Options.Create(new VectorStoreOptions { HnswLinks = links, Quantization = quantization }),
            TimeProvider.System);

    [Fact]
    public async Task New_groups_take_the_configured_settings_and_existing_groups_keep_theirs()
    {
        var tenant = Guid.NewGuid().ToString("N");
        var before = Store(16, "Q8");
        await before.CreateGroupAsync(tenant, "old");
        await before.AddAsync(tenant, "old", new VectorWrite([1f, 0f, 0f], null, VectorSources.Vector));
        // The graph is built behind the writes, by the indexer of the configuration of its time.
        await before.IndexAllAsync(tenant, "old");

        var after = Store(32, "NOQUANT");
        await after.AddAsync(tenant, "old", new VectorWrite([0f, 1f, 0f], null, VectorSources.Vector));
        await after.UpsertAsync(tenant, "old", [new VectorWrite([0f, 0f, 1f], null, VectorSources.Vector, "fixed-id")]);
        await after.CreateGroupAsync(tenant, "new");
        await after.AddAsync(tenant, "new", new VectorWrite([1f, 1f, 0f], null, VectorSources.Vector));
        await after.IndexAllAsync(tenant, "old");
        await after.IndexAllAsync(tenant, "new");

        var keys = new StoreKeys(tenant);
        var old = await Info(keys.VectorSet("old"));
        Assert.Equal("16", old["hnsw-m"]);
        Assert.Equal("int8", old["quant-type"]);
        Assert.Equal("3", old["size"]);
        var fresh = await Info(keys.VectorSet("new"));
        Assert.Equal("32", fresh["hnsw-m"]);
        Assert.NotEqual("int8", fresh["quant-type"]);

        var hits = await after.SearchAsync(tenant, "old", [0f, 0f, 1f], 1, filter: null);
        Assert.Equal("fixed-id", Assert.Single(hits).Id);
    }

    private async Task<Dictionary<string, string>> Info(RedisKey key)
    {
        var reply = (RedisResult[])(await _connection.GetDatabase().ExecuteAsync("VINFO", key))!;
        var info = new Dictionary<string, string>();
        for (var i = 0; i + 1 < reply.Length; i += 2) info[(string)reply[i]!] = reply[i + 1].ToString();
        return info;
    }
}
