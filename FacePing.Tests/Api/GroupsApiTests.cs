using System.Net;
using System.Net.Http.Json;
using FacePing.Tests.Infrastructure;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class GroupsApiTests(ApiFixture fixture)
{
    private ApiFactory Api => fixture.Factory;

    [Fact]
    public async Task Create_group_answers_201_with_shape_then_409()
    {
        using var client = await Api.CreateTenantClientAsync();
        using var created = await client.PostAsync("/groups/Staff.2026_a-b", null);
        var json = await Json(created, HttpStatusCode.Created);
        Assert.Equal("Staff.2026_a-b", json.GetProperty("name").GetString());
        Assert.Equal(0, json.GetProperty("vectorCount").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("dimensions").ValueKind);
        Assert.EndsWith("Z", json.GetProperty("createdAt").GetString());
        var createdAt = json.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        using var again = await client.PostAsync("/groups/Staff.2026_a-b", null);
        await ProblemAssert.IsProblem(again, HttpStatusCode.Conflict);
        // Names are case-sensitive: another case is another group.
        using var other = await client.PostAsync("/groups/staff.2026_a-b", null);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Theory]
    [InlineData("bad%20name")]
    [InlineData("semi%3Bcolon")]
    [InlineData("colon%3Aname")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    [InlineData("%C3%A9t%C3%A9")]
    public async Task Invalid_group_names_are_400(string name)
    {
        using var client = await Api.CreateTenantClientAsync();
        using (var response = await client.PostAsync($"/groups/{name}", null))
            await ProblemAssert.IsValidation(response, "groupName");
        using (var response = await client.DeleteAsync($"/groups/{name}"))
            await ProblemAssert.IsValidation(response, "groupName");
        using (var response = await client.GetAsync($"/groups/{name}/vectors"))
            await ProblemAssert.IsValidation(response, "groupName");
    }

    [Fact]
    public async Task List_groups_is_ordered_by_name_with_counts_and_dimensions()
    {
        using var client = await Api.CreateTenantClientAsync();
        foreach (var g in new[] { "b", "a", "c" }) await CreateGroup(client, g);
        await StoreVector(client, "b", [1, 2, 3]);
        await StoreVector(client, "b", [3, 2, 1]);

        var groups = await Json(await client.GetAsync("/groups"));
        Assert.Equal(["a", "b", "c"], groups.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        var b = groups[1];
        Assert.Equal(2, b.GetProperty("vectorCount").GetInt32());
        Assert.Equal(3, b.GetProperty("dimensions").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, groups[0].GetProperty("dimensions").ValueKind);
    }

    [Fact]
    public async Task Vector_ids_page_in_id_order()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "paged");
        var items = Enumerable.Range(0, 25)
            .Select(i => new { vectorString = $"{i + 1},1", id = $"id-{i:D3}" }).Reverse().ToArray();
        using (var upsert = await client.PostAsJsonAsync("/groups/paged/vectors/upsert", new { vectors = items }))
            Assert.Equal(HttpStatusCode.OK, upsert.StatusCode);

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var url = "/groups/paged/vectors?limit=10" + (after is null ? "" : "&after=" + after);
            var page = (await Json(await client.GetAsync(url))).EnumerateArray().Select(e => e.GetString()!).ToList();
            if (page.Count == 0) break;
            Assert.True(page.Count <= 10);
            seen.AddRange(page);
            after = page[^1];
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"id-{i:D3}"), seen);

        var all = await Json(await client.GetAsync("/groups/paged/vectors"));
        Assert.Equal(25, all.GetArrayLength());
        using (var bad = await client.GetAsync("/groups/paged/vectors?limit=0"))
            await ProblemAssert.IsValidation(bad, "limit");
        using (var bad = await client.GetAsync("/groups/paged/vectors?limit=10001"))
            await ProblemAssert.IsValidation(bad, "limit");
        using (var bad = await client.GetAsync("/groups/paged/vectors?limit=ten"))
            await ProblemAssert.IsProblem(bad, HttpStatusCode.BadRequest);
        using (var missing = await client.GetAsync("/groups/nope/vectors"))
            await ProblemAssert.IsProblem(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_vectors_reports_deleted_and_not_found()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "del");
        await CreateGroup(client, "other");
        var a = await StoreVector(client, "del", [1, 0]);
        var b = await StoreVector(client, "del", [0, 1]);
        var elsewhere = await StoreVector(client, "other", [1, 1]);

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/groups/del/vectors")
        {
            Content = JsonContent.Create(new[] { a, "missing", elsewhere }),
        };
        var result = await Json(await client.SendAsync(request));
        Assert.Equal(1, result.GetProperty("deleted").GetInt32());
        Assert.Equal(["missing", elsewhere],
            result.GetProperty("notFound").EnumerateArray().Select(e => e.GetString()));

        using (var gone = await client.GetAsync($"/vectors/{a}"))
            await ProblemAssert.IsProblem(gone, HttpStatusCode.NotFound);
        using (var kept = await client.GetAsync($"/vectors/{elsewhere}"))
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal([b],
            (await Json(await client.GetAsync("/groups/del/vectors"))).EnumerateArray().Select(e => e.GetString()));

        using var empty = new HttpRequestMessage(HttpMethod.Delete, "/groups/del/vectors")
        {
            Content = JsonContent.Create(Array.Empty<string>()),
        };
        await ProblemAssert.IsValidation(await client.SendAsync(empty), "ids");
        using var tooMany = new HttpRequestMessage(HttpMethod.Delete, "/groups/del/vectors")
        {
            Content = JsonContent.Create(Enumerable.Range(0, 1001).Select(i => $"x{i}")),
        };
        await ProblemAssert.IsValidation(await client.SendAsync(tooMany), "ids");
        using var notArray =
            new HttpRequestMessage(HttpMethod.Delete, "/groups/del/vectors") { Content = RawJson("{\"ids\":[1]}") };
        await ProblemAssert.IsProblem(await client.SendAsync(notArray), HttpStatusCode.BadRequest);
        using var noGroup = new HttpRequestMessage(HttpMethod.Delete, "/groups/nope/vectors")
        {
            Content = JsonContent.Create(new[] { "x" }),
        };
        await ProblemAssert.IsProblem(await client.SendAsync(noGroup), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_group_removes_every_key_it_owned()
    {
        var tenant = await Api.CreateTenantAsync();
        using var client = Api.CreateClient(tenant.Key);
        await CreateGroup(client, "keep");
        await StoreVector(client, "keep", [1, 2], new { team = "blue" });
        // The indexer changes keep's keys until its graph is built (pending set gone, vector set there).
        await WaitIndexed(client, "keep");
        var before = TenantKeys(tenant.TenantId);

        await CreateGroup(client, "doomed");
        var random = new Random(7);
        var items = Enumerable.Range(0, 60).Select(i => new
        {
            vectorString = Text(RandomUnit(random, 16)),
            metadata = new Dictionary<string, object> { ["team"] = i % 3 == 0 ? "red" : "green", ["n"] = i },
        }).ToArray();
        using (var upsert = await client.PostAsJsonAsync("/groups/doomed/vectors/upsert", new { vectors = items }))
            Assert.Equal(HttpStatusCode.OK, upsert.StatusCode);
        Assert.True(TenantKeys(tenant.TenantId).Count > before.Count + 60);

        using (var deleted = await client.DeleteAsync("/groups/doomed"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(before.Order(), TenantKeys(tenant.TenantId).Order());
        using (var again = await client.DeleteAsync("/groups/doomed"))
            await ProblemAssert.IsProblem(again, HttpStatusCode.NotFound);
        using (var search = await client.PostAsJsonAsync("/groups/doomed/vectors/search", new { vectorString = "1,2" }))
            await ProblemAssert.IsProblem(search, HttpStatusCode.NotFound);
        Assert.Equal(["keep"], (await Json(await client.GetAsync("/groups"))).EnumerateArray()
            .Select(g => g.GetProperty("name").GetString()));

        // Recreated, it starts empty with no dimension.
        await CreateGroup(client, "doomed");
        using (var stored = await client.PostAsJsonAsync("/groups/doomed/vector", new { vectorString = "1,2,3" }))
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
    }

    private List<string> TenantKeys(string tenantId) =>
        fixture.Redis.Server.Keys(pattern: "{t:" + tenantId + "}*", pageSize: 1000).Select(k => k.ToString()).ToList();
}
