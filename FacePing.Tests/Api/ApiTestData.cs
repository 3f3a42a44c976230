using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FacePing.Tests.Api;

internal static class ApiTestData
{
    public static string UniqueGroup(string prefix = "g") =>
        $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];

    public static float[] RandomUnit(Random random, int dims)
    {
        var v = new float[dims];
        double norm = 0;
        for (var i = 0; i < dims; i++)
        {
            // Box–Muller: gaussian coordinates give directions uniform on the sphere (the hard case for an ANN index).
            var g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            v[i] = (float)g;
            norm += g * g;
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dims; i++) v[i] *= scale;
        return v;
    }

    public static string Text(float[] v) =>
        string.Join(",", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));

    public static async Task CreateGroup(HttpClient client, string group)
    {
        using var response = await client.PostAsync($"/groups/{group}", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static async Task<string> StoreVector(HttpClient client, string group, float[] vector,
        object? metadata = null)
    {
        using var response = await client.PostAsJsonAsync($"/groups/{group}/vector",
            new { vectorString = Text(vector), metadata });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>
    /// Waits until the Api's indexer has put every vector of the group into its HNSW graph (GET /groups says
    /// pendingIndex 0), for assertions on the graph itself; searches do not need it.
    /// </summary>
    public static async Task WaitIndexed(HttpClient client, string group)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var groups = await client.GetFromJsonAsync<JsonElement[]>("/groups");
            var info = groups!.Single(g => g.GetProperty("name").GetString() == group);
            var pending = info.GetProperty("pendingIndex").GetInt64();
            if (pending == 0) return;
            Assert.True(DateTime.UtcNow < deadline, $"{pending} vectors of {group} still not indexed");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until no group has vectors waiting for the Api's indexer, which otherwise changes Redis in the background
    /// (a drained pending set goes, a vector set appears) while a test compares Redis before and after a request.
    /// </summary>
    public static async Task WaitIndexerIdle(StackExchange.Redis.IDatabase db)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await db.KeyExistsAsync(Core.Storage.FaceStore.IndexingKey))
        {
            Assert.True(DateTime.UtcNow < deadline, "the indexer did not catch up");
            await Task.Delay(50);
        }
    }

    public static StringContent RawJson(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
