using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Storage;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.OnRedisCluster;

/// <summary>
/// Two Api hosts on one cluster: what one writes or deletes, the other's next search sees, also when the searching
/// host answers from its in-memory scan copy of the group (which learns of other hosts' writes only through Redis).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossApiVectorTests(ClusterFixture fx)
{
    private const int Dims = 32;

    private static async Task<JsonElement[]> SearchAsync(HttpClient client, string group, float[] query, int topK = 5)
    {
        using var response = await client.PostAsJsonAsync($"/groups/{group}/vectors/search",
            new { vectorString = Text(query), topK });
        return [.. (await Json(response)).EnumerateArray()];
    }

    private static string[] Ids(JsonElement[] hits) => [.. hits.Select(h => h.GetProperty("id").GetString()!)];

    [Fact]
    public async Task A_write_on_one_api_is_found_by_the_other_and_a_delete_on_the_other_is_gone_from_the_first_copy_included()
    {
        var port = fx.Redis.Ports[1];
        var (tenant, a, b) = await fx.TenantClientsAsync(port, "vectors");
        var scanA = ClusterFixture.ScanOf(fx.ApiA);
        var scanB = ClusterFixture.ScanOf(fx.ApiB);
        const string group = "shared";
        var random = new Random(2027);
        await CreateGroup(a, group);
        var baseIds = Enumerable.Range(0, 40).Select(i => $"base-{i:D2}").ToArray();
        using (var upsert = await a.PostAsJsonAsync($"/groups/{group}/vectors/upsert", new
        {
            vectors = baseIds.Select(id =>
                new { id, vectorString = Text(RandomUnit(random, Dims)), metadata = new { kind = "base" } }),
        }))
            await Json(upsert);
        Assert.Equal(port, await fx.Redis.MasterPortOfAsync(new StoreKeys(tenant).Group(group)));

        // A searches once: the HNSW index answers and A loads its scan copy of the group in the background.
        var query = RandomUnit(random, Dims);
        Assert.All(Ids(await SearchAsync(a, group, query)), id => Assert.Contains(id, baseIds));
        await scanA.WhenLoaded(tenant, group);
        Assert.Equal(baseIds.Length, scanA.Find(tenant, group)!.Count);

        // A writes the query's near twin; B (no copy yet) finds it first, by similarity and by metadata.
        var twin = query.Select(x => x + (float)(random.NextDouble() - 0.5) * 1e-3f).ToArray();
        using (var upsert = await a.PostAsJsonAsync($"/groups/{group}/vectors/upsert", new
        {
            vectors = new[] { new { id = "twin", vectorString = Text(twin), metadata = new { kind = "twin" } } },
        }))
            await Json(upsert);
        var fromB = await SearchAsync(b, group, query);
        Assert.Equal("twin", fromB[0].GetProperty("id").GetString());
        Assert.True(fromB[0].GetProperty("score").GetSingle() > 0.999f, fromB[0].ToString());
        Assert.Equal("twin", fromB[0].GetProperty("metadata").GetProperty("kind").GetString());
        using (var byMetadata = await b.PostAsJsonAsync($"/vectors/search?groupName={group}",
            new { metadata = new { kind = "twin" } }))
            Assert.Equal(["twin"],
                (await Json(byMetadata)).EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        // B's own copy, once loaded, answers the same.
        await scanB.WhenLoaded(tenant, group);
        var servedB = scanB.Served;
        Assert.Equal("twin", Ids(await SearchAsync(b, group, query))[0]);
        Assert.Equal(servedB + 1, scanB.Served);

        // A's copy, loaded before the write, catches up through the group's change log: the twin is found from the
        // copy.
        var servedA = scanA.Served;
        Assert.Equal("twin", Ids(await SearchAsync(a, group, query))[0]);
        Assert.Equal(servedA + 1, scanA.Served);
        Assert.Contains("twin", scanA.Find(tenant, group)!.Ids());

        // B deletes it; A's next search, again from its copy, no longer has it, nor has B's.
        var deleteBody = JsonContent.Create(new[] { "twin" });
        using (var delete =
            new HttpRequestMessage(HttpMethod.Delete, $"/groups/{group}/vectors") { Content = deleteBody })
        using (var deleted = await b.SendAsync(delete))
        {
            var result = await Json(deleted);
            Assert.Equal(1, result.GetProperty("deleted").GetInt32());
        }
        servedA = scanA.Served;
        var afterDelete = Ids(await SearchAsync(a, group, query));
        Assert.Equal(servedA + 1, scanA.Served);
        Assert.DoesNotContain("twin", afterDelete);
        Assert.Equal(5, afterDelete.Length);
        Assert.DoesNotContain("twin", scanA.Find(tenant, group)!.Ids());
        Assert.DoesNotContain("twin", Ids(await SearchAsync(b, group, query)));
        using (var gone = await a.GetAsync("/vectors/twin")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using (var byMetadata = await a.PostAsJsonAsync($"/vectors/search?groupName={group}",
            new { metadata = new { kind = "twin" } }))
            Assert.Empty((await Json(byMetadata)).EnumerateArray());
        Assert.Equal(baseIds, (await a.GetFromJsonAsync<string[]>($"/groups/{group}/vectors"))!);

        // A write on B reaches A's copy the same way.
        using (var upsert = await b.PostAsJsonAsync($"/groups/{group}/vectors/upsert", new
        {
            vectors = new[] { new { id = "from-b", vectorString = Text(twin), metadata = new { kind = "twin" } } },
        }))
            await Json(upsert);
        servedA = scanA.Served;
        Assert.Equal("from-b", Ids(await SearchAsync(a, group, query))[0]);
        Assert.Equal(servedA + 1, scanA.Served);
    }

    [Fact]
    public async Task A_group_deleted_on_one_api_is_gone_on_the_other_even_from_its_copy()
    {
        var (tenant, a, b) = await fx.TenantClientsAsync(fx.Redis.Ports[2], "regroup");
        var scanA = ClusterFixture.ScanOf(fx.ApiA);
        var random = new Random(7);
        await CreateGroup(a, "temp");
        var stored = await StoreVector(a, "temp", RandomUnit(random, Dims));
        var query = RandomUnit(random, Dims);
        await SearchAsync(a, "temp", query);
        await scanA.WhenLoaded(tenant, "temp");
        Assert.NotNull(scanA.Find(tenant, "temp"));

        using (var deleted = await b.DeleteAsync("/groups/temp"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var missing = await a.PostAsJsonAsync("/groups/temp/vectors/search", new { vectorString = Text(query) }))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Created again under the same name through B: A's old copy must not answer for the new group.
        await CreateGroup(b, "temp");
        var fresh = await StoreVector(b, "temp", query);
        Assert.Equal([fresh], Ids(await SearchAsync(a, "temp", query)));
        Assert.DoesNotContain(stored, Ids(await SearchAsync(a, "temp", query)));
        Assert.Empty(await fx.Redis.NodesHoldingAsync((string)new StoreKeys(tenant).Vector(stored)!));
    }
}
