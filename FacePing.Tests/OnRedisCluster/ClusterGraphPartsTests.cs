using FacePing.Core.Storage;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Store;
using StackExchange.Redis;

namespace FacePing.Tests.OnRedisCluster;

/// <summary>
/// A group whose graph is split into parts (<see cref="VectorStoreOptions.GraphShards"/>) on a three-master cluster:
/// the parts spread over the masters while the group's other keys stay on its tenant's, the indexer writes each part
/// where it lives (no cross-slot script), searches ask every part, and deleting the group deletes them all.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterGraphPartsTests(ClusterFixture fx)
{
    [Fact]
    public async Task A_split_graph_spreads_over_the_masters_and_is_built_searched_and_deleted_there()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fx.Redis.ConnectionString);
        var db = connection.GetDatabase();
        // Twelve parts over three masters that were given a third of the slots each: four each.
        var options = GraphPartsTests.Options(shards: 12);
        var store = new FaceStore(connection, Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System);
        var tenant = await fx.TenantOnAsync(fx.Redis.Ports[0], "parts");
        var vectors = await GraphPartsTests.LoadAsync(store, tenant, "big", 600, seed: 21);
        await DrainAsync(store, connection.GetDatabase(), tenant, "big");
        await GraphPartsTests.AssertPartsHoldTheGroupAsync(db, store, tenant, "big");

        var parts = await GraphPartsTests.PartsAsync(db, tenant, "big");
        var masters = new List<int>();
        foreach (var part in parts)
        {
            var holders = await fx.Redis.NodesHoldingAsync((string)part!);
            masters.Add(Assert.Single(holders));
            Assert.Equal(holders[0], await fx.Redis.MasterPortOfAsync(part));
            // The store's slot of the part's tag is the client's (and the test above saw the cluster agree).
            var name = (string)part!;
            Assert.Equal(connection.HashSlot(part), StoreKeys.HashSlot(name[1..name.IndexOf('}')]));
        }
        Assert.Equal(fx.Redis.Ports.Order(), masters.Distinct().Order());
        Assert.All(masters.CountBy(port => port), count => Assert.Equal(4, count.Value));
        // The group's own keys stay on the tenant's master.
        Assert.Equal([fx.Redis.Ports[0]], await fx.Redis.NodesHoldingAsync(new StoreKeys(tenant).Prefix + "*"));

        foreach (var probe in new[] { 3, 300 })
        {
            var truth = Enumerable.Range(0, vectors.Length)
                .OrderByDescending(j => Core.Vectors.VectorMath.Cosine(vectors[probe], vectors[j])).Take(5)
                .Select(GraphPartsTests.Id);
            Assert.Equal(truth, (await store.SearchAsync(tenant, "big", vectors[probe], 5, null)).Select(h => h.Id));
        }
        Assert.True(await store.DeleteGroupAsync(tenant, "big"));
        foreach (var part in parts) Assert.Empty(await fx.Redis.NodesHoldingAsync((string)part!));
    }

    [Fact]
    public async Task Every_master_holding_a_part_rewrites_its_file_and_none_does_while_one_is_busy()
    {
        // A store built without dependency injection writes on this connection: BGREWRITEAOF needs admin mode, as the
        // Api's own write connection has.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(
            fx.Redis.ConnectionString + ",allowAdmin=true");
        var store = new FaceStore(connection, Microsoft.Extensions.Options.Options.Create(
            GraphPartsTests.Options(shards: 3)), TimeProvider.System);
        var tenant = await fx.TenantOnAsync(fx.Redis.Ports[0], "persist");
        await GraphPartsTests.LoadAsync(store, tenant, "big", 60, seed: 22);
        await DrainAsync(store, connection.GetDatabase(), tenant, "big");
        var ports = fx.Redis.Ports;
        Assert.Equal(ports.Order(), (await Task.WhenAll((await GraphPartsTests.PartsAsync(connection.GetDatabase(),
            tenant, "big")).Select(part => fx.Redis.MasterPortOfAsync(part)))).Order());

        async Task<string> PersistenceAsync(int port) => await fx.Redis.Node(port).InfoRawAsync("persistence") ?? "";
        async Task<int> RewritesAsync(int port)
        {
            var line = (await PersistenceAsync(port)).Split('\n').Single(l => l.StartsWith("aof_rewrites:"));
            return int.Parse(line["aof_rewrites:".Length..].Trim());
        }
        async Task<bool> IdleAsync()
        {
            foreach (var port in ports)
            {
                var info = await PersistenceAsync(port);
                if (info.Contains("aof_rewrite_in_progress:1") || info.Contains("aof_rewrite_scheduled:1"))
                    return false;
            }
            return true;
        }
        await RedisSentinelGroup.WaitUntilAsync(IdleAsync, TimeSpan.FromSeconds(60), "no rewrite running");
        var before = new Dictionary<int, int>();
        foreach (var port in ports) before[port] = await RewritesAsync(port);

        // One master busy with a slow rewrite (~3 s: a delay per key it writes), as after Redis's own 5 % rule.
        var busy = fx.Redis.Node(ports[1]);
        var delay = Math.Clamp(3_000_000 / Math.Max(1, await busy.DatabaseSizeAsync()), 1_000, 500_000);
        await busy.ExecuteAsync("CONFIG", "SET", "rdb-key-save-delay", delay.ToString());
        try
        {
            await busy.ExecuteAsync("BGREWRITEAOF");
            Assert.Contains("aof_rewrite_in_progress:1", await PersistenceAsync(ports[1]));
            // The rewrite under way may predate the inserts: not done, and nothing started on the other two.
            Assert.False(await store.PersistGraphAsync(tenant, "big"));
            Assert.Equal(before[ports[0]], await RewritesAsync(ports[0]));
            Assert.Equal(before[ports[2]], await RewritesAsync(ports[2]));
        }
        finally
        {
            await busy.ExecuteAsync("CONFIG", "SET", "rdb-key-save-delay", "0");
        }
        await RedisSentinelGroup.WaitUntilAsync(IdleAsync, TimeSpan.FromSeconds(120), "the slow rewrite ended");

        // Once none is busy: one rewrite on each of the three.
        Assert.True(await store.PersistGraphAsync(tenant, "big"));
        await RedisSentinelGroup.WaitUntilAsync(IdleAsync, TimeSpan.FromSeconds(60), "the rewrites ended");
        Assert.Equal([before[ports[0]] + 1, before[ports[1]] + 2, before[ports[2]] + 1],
            [await RewritesAsync(ports[0]), await RewritesAsync(ports[1]), await RewritesAsync(ports[2])]);
    }

    // The fixture's Api and worker hosts run indexers too, and one of them may hold the group's lease (IndexAllAsync
    // then leaves the group to it): drained is drained, by whichever indexer.
    private static Task DrainAsync(FaceStore store, IDatabase db, string tenant, string group) =>
        RedisSentinelGroup.WaitUntilAsync(async () =>
        {
            await store.IndexAllAsync(tenant, group);
            return await db.SetLengthAsync(new StoreKeys(tenant).Pending(group)) == 0;
        }, TimeSpan.FromSeconds(60), $"{group} drained");
}
