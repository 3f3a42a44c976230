using FacePing.Core.Storage;
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
        await store.IndexAllAsync(tenant, "big");
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
}
