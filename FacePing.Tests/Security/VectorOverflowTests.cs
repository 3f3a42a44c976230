using FacePing.Core.Storage;
using FacePing.Core.Vectors;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.Security;

/// <summary>
/// Issue 20 item 1 through HTTP: the reported repros are 400 naming the bound, and a vector stored before the bounds
/// (its bytes written straight into Redis) no longer breaks its group's search.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class VectorOverflowTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("2e19,1", "1,1", "embedding1")]
    [InlineData("-3e38,1", "3e38,1", "embedding1")]
    [InlineData("1,1", "1e-20,1e-20", "embedding2")]
    public async Task Compare_refuses_values_float32_cannot_compute_with(string first, string second, string field)
    {
        using var client = await fixture.Factory.CreateTenantClientAsync();
        using var response = await client.PostAsync("/vectors/compare",
            RawJson($$"""{"embedding1":"{{first}}","embedding2":"{{second}}"}"""));
        var problem = await ProblemAssert.IsValidation(response, field);
        Assert.Matches("1e16|1.2e-38", problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task Compare_at_the_bound_answers_finite_numbers()
    {
        using var client = await fixture.Factory.CreateTenantClientAsync();
        using var response = await client.PostAsync("/vectors/compare",
            RawJson("""{"embedding1":"1e16,-1e16","embedding2":"-1e16,1e16"}"""));
        var json = await Json(response);
        Assert.Equal(-1, json.GetProperty("similarity").GetDouble(), 5);
        Assert.Equal(Math.Sqrt(8) * 1e16, json.GetProperty("distance").GetDouble(), 1e10);
    }

    [Fact]
    public async Task Storing_a_vector_of_huge_values_is_400_and_stores_nothing()
    {
        using var client = await fixture.Factory.CreateTenantClientAsync();
        await CreateGroup(client, "huge");
        await Api.ApiTestData.WaitIndexerIdle(fixture.Redis.Db);
        var before = await fixture.Redis.Server.DatabaseSizeAsync();
        using var response = await client.PostAsync("/groups/huge/vector",
            RawJson("""{"vectorString":"3e38,3e38,3e38"}"""));
        await ProblemAssert.IsValidation(response, "vectorString");
        Assert.Equal(before, await fixture.Redis.Server.DatabaseSizeAsync());
    }

    [Fact]
    public async Task A_huge_vector_stored_as_before_the_bounds_leaves_search_answering_on_every_path()
    {
        // The repro as the store kept it: VADD and the vector hash, exactly what POST .../vector did before.
        var tenant = await fixture.Factory.CreateTenantAsync("old-huge");
        using var client = fixture.Factory.CreateClient(tenant.Key);
        await CreateGroup(client, "huge");
        var good = await StoreVector(client, "huge", [1, 0, 0]);
        var store = fixture.Factory.Services.GetRequiredService<FaceStore>();
        var old = (await store.UpsertAsync(tenant.TenantId, "huge",
            [new VectorWrite([3e38f, 3e38f, 3e38f], null, "vector")]))[0];

        foreach (var body in new[]
                 {
                     """{"vectorString":"1,1,1","topK":5}""",
                     """{"vectorString":"-1,0,0","topK":1}""",
                     """{"vectorString":"1,1,1","topK":5,"metadata":{"source":"vector"}}""", // filtered path
                 })
        {
            using var response = await client.PostAsync("/groups/huge/vectors/search", RawJson(body));
            foreach (var hit in (await Json(response)).EnumerateArray())
                Assert.True(double.IsFinite(hit.GetProperty("score").GetDouble()));
        }
        using var all = await client.PostAsync("/groups/huge/vectors/search",
            RawJson("""{"vectorString":"1,1,1","topK":5}"""));
        var scores = (await Json(all)).EnumerateArray().ToDictionary(h => h.GetProperty("id").GetString()!,
            h => h.GetProperty("score").GetDouble());
        Assert.Equal(1, scores[old], 5);
        Assert.Equal(1 / Math.Sqrt(3), scores[good], 5);
    }

    [Theory]
    [InlineData(3e38f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public async Task A_stored_vector_from_before_the_bounds_does_not_break_search(float bad)
    {
        var tenant = await fixture.Factory.CreateTenantAsync("old-vectors");
        using var client = fixture.Factory.CreateClient(tenant.Key);
        await CreateGroup(client, "old");
        var good = await StoreVector(client, "old", [1, 0, 0]);
        var old = await StoreVector(client, "old", [0, 1, 0]);
        // As the store kept it before the parse bounds (or as any other writer might have).
        var hash = new StoreKeys(tenant.TenantId).Vector(old);
        await fixture.Redis.Db.HashDeleteAsync(hash, "vh");
        await fixture.Redis.Db.HashSetAsync(hash, "vec", VectorMath.ToBytes([bad, bad, bad]));

        using var response = await client.PostAsync("/groups/old/vectors/search",
            RawJson("""{"vectorString":"1,1,1","topK":5}"""));
        var hits = await Json(response);
        var scores = hits.EnumerateArray().ToDictionary(h => h.GetProperty("id").GetString()!,
            h => h.GetProperty("score").GetDouble());
        Assert.Equal(1 / Math.Sqrt(3), scores[good], 5);
        Assert.Equal(float.IsFinite(bad) ? 1 : 0, scores[old], 5); // NaN/infinity: no direction, scores 0
        using var read = await client.GetAsync($"/vectors/{old}"); // its text is still readable JSON
        Assert.Equal(3, (await Json(read)).GetProperty("dimensions").GetInt32());
    }
}
