using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Storage;
using FacePing.Tests.Faces;
using static FacePing.Tests.Api.ApiTestData;
using static FacePing.Tests.Faces.FaceRequests;

namespace FacePing.Tests.OnRedisCluster;

/// <summary>
/// Faces stored through one Api host are recognised through the other, on real photos and the real models.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossApiFaceTests(ClusterFixture fx)
{
    private static readonly byte[] StathamA = FacesFixture.Crop("Statham", 0);
    private static readonly byte[] StathamB = FacesFixture.Crop("Statham", 3);
    private static readonly byte[] Diesel = FacesFixture.Crop("Diesel", 1);

    private static async Task<JsonElement[]> SearchAsync(HttpClient client, string group, byte[] photo, int topK = 2)
    {
        using var response = await client.PostAsync($"/groups/{group}/faces/search?topK={topK}",
            Form(("queryImage", photo)));
        return [.. (await Json(response)).EnumerateArray()];
    }

    private static async Task<string> StoreFaceAsync(HttpClient client, string group, byte[] photo, string name)
    {
        using var response = await client.PostAsync($"/groups/{group}/face?metadata[name]={name}",
            Form(("image", photo)));
        return (await Json(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_face_stored_on_one_api_is_found_on_the_other_by_another_photo_and_changes_on_the_other_reach_the_first_copy()
    {
        var port = fx.Redis.Ports[0];
        var (tenant, a, b) = await fx.TenantClientsAsync(port, "faces");
        var scanA = ClusterFixture.ScanOf(fx.ApiA);
        await CreateGroup(a, "actors");
        var statham = await StoreFaceAsync(a, "actors", StathamA, "Statham");
        var diesel = await StoreFaceAsync(a, "actors", Diesel, "Diesel");
        Assert.Equal([port], await fx.Redis.NodesHoldingAsync((string)new StoreKeys(tenant).Vector(statham)!));

        // A searches first, so it has a scan copy of the group.
        var onA = await SearchAsync(a, "actors", StathamB);
        Assert.Equal([statham, diesel], onA.Select(h => h.GetProperty("id").GetString()));
        await scanA.WhenLoaded(tenant, "actors");
        Assert.Equal(2, scanA.Find(tenant, "actors")!.Count);

        // B recognises Statham from another photo of him: the same hit and the same exact score as on A, above the
        // match threshold B itself reports.
        var onB = await SearchAsync(b, "actors", StathamB);
        Assert.Equal([statham, diesel], onB.Select(h => h.GetProperty("id").GetString()));
        Assert.Equal("Statham", onB[0].GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(onA[0].GetProperty("score").GetDouble(), onB[0].GetProperty("score").GetDouble(), 5);
        using (var compare = await b.PostAsync("/faces/compare", Form(("Face1", StathamA), ("Face2", StathamB))))
        {
            var threshold = (await Json(compare)).GetProperty("threshold").GetDouble();
            Assert.True(onB[0].GetProperty("score").GetDouble() >= threshold, $"{onB[0]} below {threshold}");
            Assert.True(onB[1].GetProperty("score").GetDouble() < threshold, $"{onB[1]} above {threshold}");
        }

        // B deletes Statham; A's next search, answered from its copy, no longer finds him.
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, "/groups/actors/vectors")
        {
            Content = JsonContent.Create(new[] { statham }),
        })
        using (var deleted = await b.SendAsync(delete))
            Assert.Equal(1, (await Json(deleted)).GetProperty("deleted").GetInt32());
        var served = scanA.Served;
        var afterDelete = await SearchAsync(a, "actors", StathamB);
        Assert.Equal(served + 1, scanA.Served);
        Assert.Equal([diesel], afterDelete.Select(h => h.GetProperty("id").GetString()));
        Assert.Equal([diesel], scanA.Find(tenant, "actors")!.Ids());

        // B stores him again from another photo; A's next search, from the same copy, finds the new face first.
        var again = await StoreFaceAsync(b, "actors", FacesFixture.Crop("Statham", 2), "Statham");
        served = scanA.Served;
        var afterAdd = await SearchAsync(a, "actors", StathamB);
        Assert.Equal(served + 1, scanA.Served);
        Assert.Equal([again, diesel], afterAdd.Select(h => h.GetProperty("id").GetString()));
    }
}
