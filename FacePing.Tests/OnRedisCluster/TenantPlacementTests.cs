using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Storage;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.OnRedisCluster;

/// <summary>
/// Tenants spread over the masters, each tenant's data whole on its own master, served by either Api.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TenantPlacementTests(ClusterFixture fx)
{
    [Fact]
    public async Task Each_tenant_lives_whole_on_its_own_master_and_either_api_serves_it()
    {
        var ports = fx.Redis.Ports;
        var tenants = new List<(string Tenant, int Port, string Group, string VectorId)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var (tenant, a, b) = await fx.TenantClientsAsync(ports[i], "place");
            // Writes alternate between the hosts: the master a tenant lands on depends on the tenant alone.
            var (writer, reader) = i % 2 == 0 ? (a, b) : (b, a);
            var group = $"staff-{i}";
            await CreateGroup(writer, group);
            var id = await StoreVector(writer, group, [1, 0, (float)i], new { floor = i });
            tenants.Add((tenant, ports[i], group, id));
            await WaitIndexed(writer, group);

            var groups = await reader.GetFromJsonAsync<JsonElement[]>("/groups");
            var listed = Assert.Single(groups!);
            Assert.Equal(group, listed.GetProperty("name").GetString());
            Assert.Equal(1, listed.GetProperty("vectorCount").GetInt32());
            var vector = await reader.GetFromJsonAsync<JsonElement>($"/vectors/{id}");
            Assert.Equal(group, vector.GetProperty("groupName").GetString());
            Assert.Equal(i.ToString(), vector.GetProperty("metadata").GetProperty("floor").GetString());
        }

        // Three tenants, three different masters, and the cluster agrees on which.
        Assert.Equal(ports.Count, tenants.Select(t => t.Port).Distinct().Count());
        foreach (var (tenant, port, group, id) in tenants)
        {
            var keys = new StoreKeys(tenant);
            Assert.Equal(port, await fx.Redis.MasterPortOfAsync(keys.Group(group)));
            // What each node really stores (a SCAN on every node): the group hash, its vector set and the vector hash
            // are on the tenant's master, and nothing of the tenant is anywhere else.
            Assert.Equal([port], await fx.Redis.NodesHoldingAsync((string)keys.Group(group)!));
            Assert.Equal([port], await fx.Redis.NodesHoldingAsync((string)keys.VectorSet(group)!));
            Assert.Equal([port], await fx.Redis.NodesHoldingAsync((string)keys.Vector(id)!));
            Assert.Equal([port], await fx.Redis.NodesHoldingAsync(keys.Prefix + "*"));
        }
    }
}
