using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Infrastructure;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class VectorsApiTests(ApiFixture fixture)
{
    private ApiFactory Api => fixture.Factory;

    [Fact]
    public async Task Store_then_get_round_trips_vector_and_metadata_with_system_keys()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "people");
        var vector = new[] { 0.1f, -2.5e-7f, 3.4028235E+38f / 1e30f, 1f / 3f };
        using var stored = await client.PostAsJsonAsync("/groups/people/vector", new
        {
            vectorString = " " + string.Join(" , ",
                vector.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + " ",
            metadata = new
            {
                name = "Ada", age = 36, active = true, score = 1.50, big = 9007199254740993L, note = "ünï ☃ \"q\" 😀"
            },
        });
        var created = await Json(stored, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal("people", created.GetProperty("groupName").GetString());
        Assert.Equal($"/vectors/{id}", stored.Headers.Location?.ToString());

        var got = await Json(await client.GetAsync($"/vectors/{id}"));
        Assert.Equal(id, got.GetProperty("id").GetString());
        Assert.Equal("people", got.GetProperty("groupName").GetString());
        Assert.Equal(4, got.GetProperty("dimensions").GetInt32());
        var parsed = got.GetProperty("vectorString").GetString()!.Split(',')
            .Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(vector, parsed); // bit-exact round trip
        var meta = got.GetProperty("metadata");
        Assert.Equal("Ada", meta.GetProperty("name").GetString());
        Assert.Equal("36", meta.GetProperty("age").GetString());
        Assert.Equal("true", meta.GetProperty("active").GetString());
        Assert.Equal("1.5", meta.GetProperty("score").GetString());
        Assert.Equal("9007199254740993", meta.GetProperty("big").GetString());
        Assert.Equal("ünï ☃ \"q\" 😀", meta.GetProperty("note").GetString());
        Assert.Equal("vector", meta.GetProperty("source").GetString());
        var createdAt = DateTimeOffset.Parse(meta.GetProperty("createdAt").GetString()!);
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.EndsWith("Z", meta.GetProperty("createdAt").GetString());

        // The unicode value is an index key too: the filter finds it.
        var found = await Json(await client.PostAsJsonAsync("/vectors/search",
            new { metadata = new { note = "ünï ☃ \"q\" 😀" } }));
        Assert.Equal(id, found.EnumerateArray().Single().GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("", "vectorString")]
    [InlineData("1,,2", "vectorString")]
    [InlineData("1,2,", "vectorString")]
    [InlineData("1;2", "vectorString")]
    [InlineData("1,NaN", "vectorString")]
    [InlineData("1,Infinity", "vectorString")]
    [InlineData("1,1e39", "vectorString")]
    [InlineData("0,0,0", "vectorString")]
    [InlineData("1,0x10", "vectorString")]
    [InlineData("1,2,3", "vectorString")] // wrong dimension for a 2-d group
    public async Task Bad_vector_strings_are_400_naming_the_field(string vectorString, string field)
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "g");
        await StoreVector(client, "g", [1, 2]);
        using var response = await client.PostAsJsonAsync("/groups/g/vector", new { vectorString });
        var problem = await ProblemAssert.IsValidation(response, field);
        if (vectorString == "1,2,3")
            Assert.Contains("2", problem.GetProperty("detail").GetString() + problem.GetProperty("errors").ToString());
    }

    [Fact]
    public async Task Dimension_mismatch_names_both_dimensions()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "g");
        await StoreVector(client, "g", [1, 2, 3]);
        using var response = await client.PostAsJsonAsync("/groups/g/vector", new { vectorString = "1,2,3,4,5" });
        var problem = await ProblemAssert.IsValidation(response, "vectorString");
        var text = problem.GetProperty("errors").GetProperty("vectorString")[0].GetString()!;
        Assert.Contains("3", text);
        Assert.Contains("5", text);
        using var search = await client.PostAsJsonAsync("/groups/g/vectors/search", new { vectorString = "1,2" });
        var searchText = (await ProblemAssert.IsValidation(search, "vectorString"))
            .GetProperty("errors").GetProperty("vectorString")[0].GetString()!;
        Assert.Contains("3", searchText);
        Assert.Contains("2", searchText);
    }

    [Fact]
    public async Task Too_many_values_and_oversized_body_are_rejected()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "g");
        using (var response = await client.PostAsJsonAsync("/groups/g/vector",
            new { vectorString = string.Join(",", Enumerable.Repeat("1", 4097)) }))
            await ProblemAssert.IsValidation(response, "vectorString");
        using (var response = await client.PostAsJsonAsync("/groups/g/vector",
            new { vectorString = string.Join(",", Enumerable.Repeat("0.5", 4096)) }))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var huge = new string('1', 9 * 1024 * 1024);
        using (var response = await client.PostAsync("/groups/g/vector", RawJson($"{{\"vectorString\":\"{huge}\"}}")))
            await ProblemAssert.IsProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Metadata_rules_are_enforced()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "g");
        async Task Rejected(object metadata, string field)
        {
            using var response = await client.PostAsJsonAsync("/groups/g/vector",
                new { vectorString = "1,2", metadata });
            await ProblemAssert.IsValidation(response, field);
        }
        await Rejected(new { source = "x" }, "metadata.source");
        await Rejected(new { createdAt = "x" }, "metadata.createdAt");
        await Rejected(new { jobId = "x" }, "metadata.jobId");
        await Rejected(new { nested = new { a = 1 } }, "metadata.nested");
        await Rejected(new { list = new[] { 1 } }, "metadata.list");
        await Rejected(new { nothing = (string?)null }, "metadata.nothing");
        await Rejected(new { big = new string('x', 1025) }, "metadata.big");
        await Rejected(new[] { 1, 2 }, "metadata");
        await Rejected(Enumerable.Range(0, 33).ToDictionary(i => $"k{i}", i => (object)i), "metadata");
        await Rejected(new Dictionary<string, string> { ["bad key"] = "v" }, "metadata");
        await Rejected(new Dictionary<string, string> { [new string('k', 65)] = "v" }, "metadata");

        using var ok = await client.PostAsJsonAsync("/groups/g/vector", new
        {
            vectorString = "1,2",
            metadata = Enumerable.Range(0, 32).ToDictionary(i => $"k{i}", i => new string('v', 1024)),
        });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact]
    public async Task Json_is_case_insensitive_and_malformed_json_is_400()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "g");
        using (var response = await client.PostAsync("/groups/g/vector",
            RawJson("{\"VectorString\":\"1,2\",\"METADATA\":{\"Name\":\"x\"}}")))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using (var response = await client.PostAsync("/vectors/compare",
            RawJson("{\"Embedding1\":\"1,0\",\"EMBEDDING2\":\"0,1\"}")))
            Assert.Equal(0, (await Json(response)).GetProperty("similarity").GetSingle(), 5);

        foreach (var bad in new[] { "{\"vectorString\":", "not json", "{\"vectorString\": 12}", "[]", "" })
        {
            using var response = await client.PostAsync("/groups/g/vector", RawJson(bad));
            await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        }
        using (var response = await client.PostAsync("/groups/g/vector",
            new StringContent("vectorString=1,2", System.Text.Encoding.UTF8, "text/plain")))
            await ProblemAssert.IsProblem(response, HttpStatusCode.UnsupportedMediaType);
        using (var response = await client.PostAsync("/groups/g/vectors/search",
            RawJson("{\"vectorString\":\"1,2\",\"topK\":\"ten\"}")))
        {
            var problem = await ProblemAssert.IsValidation(response, "$.topK");
            Assert.DoesNotContain("FacePing.", problem.ToString()); // no CLR type names leak out
        }
    }

    [Fact]
    public async Task Compare_gives_cosine_euclidean_and_dimensions()
    {
        using var client = await Api.CreateTenantClientAsync();
        var result = await Json(await client.PostAsJsonAsync("/vectors/compare",
            new { embedding1 = "3,4", embedding2 = "4,3" }));
        Assert.Equal(24f / 25f, result.GetProperty("similarity").GetSingle(), 5);
        Assert.Equal(MathF.Sqrt(2), result.GetProperty("distance").GetSingle(), 5);
        Assert.Equal(2, result.GetProperty("dimensions").GetInt32());

        var opposite = await Json(await client.PostAsJsonAsync("/vectors/compare",
            new { embedding1 = "1,1", embedding2 = "-2,-2" }));
        Assert.Equal(-1f, opposite.GetProperty("similarity").GetSingle(), 5);

        using (var r = await client.PostAsJsonAsync("/vectors/compare",
            new { embedding1 = "1,2,3", embedding2 = "1,2" }))
        {
            var detail = (await ProblemAssert.IsValidation(r, "embedding2")).GetProperty("detail").GetString()!;
            Assert.Contains("3", detail);
            Assert.Contains("2", detail);
        }
        using (var r = await client.PostAsJsonAsync("/vectors/compare", new { embedding1 = "1,2" }))
            await ProblemAssert.IsValidation(r, "embedding2");
        using (var r = await client.PostAsJsonAsync("/vectors/compare", new { embedding1 = "", embedding2 = "x" }))
            await ProblemAssert.IsValidation(r, "embedding1", "embedding2");
    }

    [Fact]
    public async Task Search_returns_exact_scores_best_first_with_filter_and_topk_rules()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "s");
        var a = await StoreVector(client, "s", [1, 0, 0], new { team = "red" });
        var b = await StoreVector(client, "s", [0.8f, 0.6f, 0], new { team = "blue" });
        var c = await StoreVector(client, "s", [0, 1, 0], new { team = "red" });
        var d = await StoreVector(client, "s", [-1, 0, 0], new { team = "red", x = 1 });

        var hits = await Json(await client.PostAsJsonAsync("/groups/s/vectors/search", new { vectorString = "2,0,0" }));
        Assert.Equal([a, b, c, d], hits.EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        Assert.Equal([1f, 0.8f, 0f, -1f],
            hits.EnumerateArray().Select(h => MathF.Round(h.GetProperty("score").GetSingle(), 5)));
        Assert.Equal("blue", hits[1].GetProperty("metadata").GetProperty("team").GetString());

        var top2 = await Json(await client.PostAsJsonAsync("/groups/s/vectors/search",
            new { vectorString = "0,1,0", topK = 2 }));
        Assert.Equal([c, b], top2.EnumerateArray().Select(h => h.GetProperty("id").GetString()));

        var red = await Json(await client.PostAsJsonAsync("/groups/s/vectors/search",
            new { vectorString = "1,0.1,0", metadata = new { team = "red" } }));
        Assert.Equal([a, c, d], red.EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        var redX = await Json(await client.PostAsJsonAsync("/groups/s/vectors/search",
            new { vectorString = "1,0,0", metadata = new { team = "red", x = 1.0 } }));
        Assert.Equal([d], redX.EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        var none = await Json(await client.PostAsJsonAsync("/groups/s/vectors/search",
            new { vectorString = "1,0,0", metadata = new { team = "green" } }));
        Assert.Equal(0, none.GetArrayLength());

        foreach (var topK in new[] { 0, 41, -1 })
            await ProblemAssert.IsValidation(await client.PostAsJsonAsync("/groups/s/vectors/search",
                new { vectorString = "1,0,0", topK }), "topK");
        await ProblemAssert.IsValidation(await client.PostAsJsonAsync("/groups/s/vectors/search", new { topK = 3 }),
            "vectorString");
        await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/groups/missing/vectors/search",
            new { vectorString = "1,0,0" }), HttpStatusCode.NotFound);

        await CreateGroup(client, "empty");
        var empty = await Json(await client.PostAsJsonAsync("/groups/empty/vectors/search",
            new { vectorString = "1,0,0" }));
        Assert.Equal(0, empty.GetArrayLength());
    }

    [Fact]
    public async Task Metadata_search_across_and_within_groups()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "m1");
        await CreateGroup(client, "m2");
        var a = await StoreVector(client, "m1", [1, 0], new { city = "Oslo", floor = 3 });
        var b = await StoreVector(client, "m2", [0, 1], new { city = "Oslo", floor = 4 });
        var c = await StoreVector(client, "m2", [1, 1], new { city = "Rome", floor = 3 });

        var oslo = await Json(await client.PostAsJsonAsync("/vectors/search",
            new { metadata = new { city = "Oslo" } }));
        Assert.Equal([(a, "m1"), (b, "m2")],
            oslo.EnumerateArray()
                .Select(e => (e.GetProperty("id").GetString(), e.GetProperty("groupName").GetString())));
        Assert.Equal("3", oslo[0].GetProperty("metadata").GetProperty("floor").GetString());

        var and = await Json(await client.PostAsJsonAsync("/vectors/search",
            new { metadata = new { city = "Oslo", floor = "4" } }));
        Assert.Equal([b], and.EnumerateArray().Select(e => e.GetProperty("id").GetString()));

        var inGroup = await Json(await client.PostAsJsonAsync("/vectors/search?groupName=m2",
            new { metadata = new { floor = 3 } }));
        Assert.Equal([c], inGroup.EnumerateArray().Select(e => e.GetProperty("id").GetString()));

        var bySource = await Json(await client.PostAsJsonAsync("/vectors/search?groupName=m2",
            new { metadata = new { source = "vector" } }));
        Assert.Equal(2, bySource.GetArrayLength());

        var all = await Json(await client.PostAsJsonAsync("/vectors/search", new { metadata = (object?)null }));
        Assert.Equal(3, all.GetArrayLength());
        var allNoBody = await Json(await client.PostAsync("/vectors/search?limit=2", null));
        Assert.Equal(2, allNoBody.GetArrayLength());
        var emptyFilter = await Json(await client.PostAsJsonAsync("/vectors/search", new { metadata = new { } }));
        Assert.Equal(3, emptyFilter.GetArrayLength());

        await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/vectors/search?groupName=nope",
            new { metadata = new { city = "Oslo" } }), HttpStatusCode.NotFound);
        await ProblemAssert.IsValidation(await client.PostAsJsonAsync("/vectors/search?limit=1001", new { }), "limit");
        await ProblemAssert.IsValidation(await client.PostAsJsonAsync("/vectors/search",
            new { metadata = new { createdAt = "2020" } }), "metadata.createdAt");
        await ProblemAssert.IsValidation(await client.PostAsJsonAsync("/vectors/search",
            new { metadata = "city=Oslo" }), "metadata");
    }

    [Fact]
    public async Task Upsert_is_all_or_nothing_and_replaces_existing_ids()
    {
        using var client = await Api.CreateTenantClientAsync();
        await CreateGroup(client, "u");
        await CreateGroup(client, "v");

        var first = await Json(await client.PostAsJsonAsync("/groups/u/vectors/upsert", new
        {
            vectors = new object[]
            {
                new { vectorString = "1,0", id = "fixed-1", metadata = new { v = 1 } },
                new { vectorString = "0,1" },
            },
        }));
        var ids = first.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal("fixed-1", ids[0]);
        Assert.True(Guid.TryParse(ids[1], out _));

        // Replace fixed-1 with new data and metadata: the old metadata no longer matches anything.
        await Json(await client.PostAsJsonAsync("/groups/u/vectors/upsert", new
        {
            vectors = new[] { new { vectorString = "0.6,0.8", id = "fixed-1", metadata = new { v = 2 } } },
        }));
        var got = await Json(await client.GetAsync("/vectors/fixed-1"));
        Assert.Equal("0.6,0.8", got.GetProperty("vectorString").GetString());
        Assert.Equal("2", got.GetProperty("metadata").GetProperty("v").GetString());
        Assert.Equal(0, (await Json(await client.PostAsJsonAsync("/vectors/search",
            new { metadata = new { v = 1 } }))).GetArrayLength());
        Assert.Equal(2, (await Json(await client.GetAsync("/groups/u/vectors"))).GetArrayLength());

        // Upserting the same id into another group moves it.
        await Json(await client.PostAsJsonAsync("/groups/v/vectors/upsert",
            new { vectors = new[] { new { vectorString = "1,1", id = "fixed-1" } } }));
        Assert.Equal("v", (await Json(await client.GetAsync("/vectors/fixed-1"))).GetProperty("groupName").GetString());
        Assert.Equal(1, (await Json(await client.GetAsync("/groups/u/vectors"))).GetArrayLength());
        var searchU = await Json(await client.PostAsJsonAsync("/groups/u/vectors/search",
            new { vectorString = "1,1" }));
        Assert.DoesNotContain("fixed-1", searchU.EnumerateArray().Select(h => h.GetProperty("id").GetString()));

        // Invalid items: 400 naming every bad index, and nothing written.
        var keysBefore = fixture.Redis.Server.Keys(pattern: "*", pageSize: 1000).Count();
        using var invalid = await client.PostAsJsonAsync("/groups/u/vectors/upsert", new
        {
            vectors = new object?[]
            {
                new { vectorString = "1,2", id = "ok-1" },
                new { vectorString = "1,2,3" },
                new { vectorString = "1,2", metadata = new { source = "x" } },
                new { vectorString = "NaN,1" },
                new { vectorString = "1,2", id = "bad id" },
                null,
            },
        });
        var problem = await ProblemAssert.IsValidation(invalid, "vectors[1].vectorString", "vectors[2].metadata.source",
            "vectors[3].vectorString", "vectors[4].id", "vectors[5]");
        Assert.Contains("1, 2, 3, 4, 5", problem.GetProperty("detail").GetString());
        Assert.Equal(keysBefore, fixture.Redis.Server.Keys(pattern: "*", pageSize: 1000).Count());
        using (var ok1 = await client.GetAsync("/vectors/ok-1"))
            await ProblemAssert.IsProblem(ok1, HttpStatusCode.NotFound);

        await ProblemAssert.IsValidation(await client.PostAsJsonAsync("/groups/u/vectors/upsert",
            new { vectors = Array.Empty<object>() }), "vectors");
        await ProblemAssert.IsValidation(await client.PostAsJsonAsync("/groups/u/vectors/upsert",
            new
            {
                vectors = new[]
                {
                    new { vectorString = "1,2", id = "twice" },
                    new { vectorString = "2,1", id = "twice" },
                },
            }), "vectors[1].id");
        await ProblemAssert.IsValidation(await client.PostAsJsonAsync("/groups/u/vectors/upsert",
            new { vectors = Enumerable.Range(0, 101).Select(_ => new { vectorString = "1,2" }) }), "vectors");
        await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/groups/nope/vectors/upsert",
            new { vectors = new[] { new { vectorString = "1,2" } } }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/groups/nope/vector",
            new { vectorString = "1,2" }), HttpStatusCode.NotFound);

        // A fresh group takes its dimension from item 0; a later item that differs names item 0.
        await CreateGroup(client, "fresh");
        using var mixed = await client.PostAsJsonAsync("/groups/fresh/vectors/upsert",
            new { vectors = new[] { new { vectorString = "1,2,3" }, new { vectorString = "1,2" } } });
        var mixedError = (await ProblemAssert.IsValidation(mixed, "vectors[1].vectorString"))
            .GetProperty("errors").GetProperty("vectors[1].vectorString")[0].GetString()!;
        Assert.Contains("item 0", mixedError);
    }

    [Fact]
    public async Task Concurrent_upserts_into_one_group_lose_nothing()
    {
        var tenant = await Api.CreateTenantAsync();
        using var client = Api.CreateClient(tenant.Key);
        await CreateGroup(client, "busy");
        var random = new Random(11);
        var batches = Enumerable.Range(0, 16).Select(b => Enumerable.Range(0, 25)
            .Select(i => new { vectorString = Text(RandomUnit(random, 32)), id = $"b{b:D2}-{i:D2}" })
            .ToArray()).ToArray();
        var results = await Task.WhenAll(batches.Select(async batch =>
        {
            using var response = await client.PostAsJsonAsync("/groups/busy/vectors/upsert", new { vectors = batch });
            return await Json(response);
        }));
        Assert.All(results, r => Assert.Equal(25, r.GetProperty("ids").GetArrayLength()));
        var ids = (await Json(await client.GetAsync("/groups/busy/vectors")))
            .EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(batches.SelectMany(b => b.Select(i => i.id)).Order(StringComparer.Ordinal), ids);
        var group = (await Json(await client.GetAsync("/groups"))).EnumerateArray().Single();
        Assert.Equal(400, group.GetProperty("vectorCount").GetInt32());
        await WaitIndexed(client, "busy");
        Assert.Equal(400L, (long)await fixture.Redis.Db.ExecuteAsync("VCARD", $"{{t:{tenant.TenantId}}}:g:busy:vs"));
    }

    [Fact]
    public async Task Another_tenants_groups_and_vectors_are_404_everywhere()
    {
        using var owner = await Api.CreateTenantClientAsync("owner");
        using var stranger = await Api.CreateTenantClientAsync("stranger");
        await CreateGroup(owner, "private");
        var id = await StoreVector(owner, "private", [1, 2], new { secret = "yes" });

        await ProblemAssert.IsProblem(await stranger.GetAsync($"/vectors/{id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await stranger.GetAsync("/groups/private/vectors"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await stranger.DeleteAsync("/groups/private"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await stranger.PostAsJsonAsync("/groups/private/vector",
            new { vectorString = "1,2" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await stranger.PostAsJsonAsync("/groups/private/vectors/search",
            new { vectorString = "1,2" }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await stranger.PostAsJsonAsync("/groups/private/vectors/upsert",
            new { vectors = new[] { new { vectorString = "1,2", id } } }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await stranger.PostAsJsonAsync("/vectors/search?groupName=private", new { }),
            HttpStatusCode.NotFound);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/groups/private/vectors")
        {
            Content = JsonContent.Create(new[] { id }),
        };
        await ProblemAssert.IsProblem(await stranger.SendAsync(delete), HttpStatusCode.NotFound);
        Assert.Equal(0, (await Json(await stranger.GetAsync("/groups"))).GetArrayLength());
        Assert.Equal(0, (await Json(await stranger.PostAsJsonAsync("/vectors/search",
            new { metadata = new { secret = "yes" } }))).GetArrayLength());

        // The stranger's own group of the same name is separate, and an upsert with the owner's id does not touch it.
        await CreateGroup(stranger, "private");
        await Json(await stranger.PostAsJsonAsync("/groups/private/vectors/upsert",
            new { vectors = new[] { new { vectorString = "5,5,5", id } } }));
        var mine = await Json(await owner.GetAsync($"/vectors/{id}"));
        Assert.Equal("1,2", mine.GetProperty("vectorString").GetString());
        Assert.Equal("yes", mine.GetProperty("metadata").GetProperty("secret").GetString());
    }
}
