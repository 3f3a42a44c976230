using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Core.Vectors;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FacePing.Tests.Faces.FaceRequests;

namespace FacePing.Tests.Faces;

[Collection(FacesCollection.Name)]
public sealed class FacesApiTests(FacesFixture fixture)
{
    private static readonly byte[] StathamA = FacesFixture.Crop("Statham", 0);
    private static readonly byte[] StathamB = FacesFixture.Crop("Statham", 3);
    private static readonly byte[] Diesel = FacesFixture.Crop("Diesel", 1);
    private static readonly byte[] Dogs = File.ReadAllBytes(RepoPaths.Face("dogs.jpg"));
    private static readonly byte[] GroupPhoto = File.ReadAllBytes(RepoPaths.Face("bald_guys.jpg"));

    [Fact]
    public async Task Compare_multipart_matches_the_same_person_and_not_another()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();

        var same = await CompareAsync(client, Form(("Face1", StathamA), ("Face2", StathamB)));
        Assert.True(same.GetProperty("isMatch").GetBoolean(), same.ToString());
        var threshold = same.GetProperty("threshold").GetDouble();
        Assert.True(same.GetProperty("similarity").GetDouble() >= threshold);
        Assert.Equal(1, same.GetProperty("face1").GetProperty("faceCount").GetInt32());
        Assert.True(same.GetProperty("face1").GetProperty("box").GetProperty("width").GetInt32() > 50);
        Assert.InRange(same.GetProperty("face2").GetProperty("confidence").GetDouble(), 0.5, 1.0);

        var other = await CompareAsync(client, Form(("Face1", StathamA), ("Face2", Diesel)));
        Assert.False(other.GetProperty("isMatch").GetBoolean(), other.ToString());
        Assert.True(other.GetProperty("similarity").GetDouble() < threshold);
    }

    [Fact]
    public async Task Compare_json_accepts_base64_and_data_urls_with_any_property_case()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        var body = new Dictionary<string, string>
        {
            ["Face1"] = Convert.ToBase64String(StathamA),
            ["face2"] = "data:image/jpeg;base64," + Convert.ToBase64String(StathamB),
        };
        using var response = await client.PostAsJsonAsync("/faces/compare", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(json.GetProperty("isMatch").GetBoolean(), json.ToString());

        // The same pair through multipart gives the same similarity: one pipeline behind both forms.
        var multipart = await CompareAsync(client, Form(("Face1", StathamA), ("Face2", StathamB)));
        Assert.Equal(multipart.GetProperty("similarity").GetDouble(), json.GetProperty("similarity").GetDouble(), 5);
    }

    [Fact]
    public async Task Compare_names_the_image_without_a_face()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        using var response = await client.PostAsync("/faces/compare", Form(("Face1", StathamA), ("Face2", Dogs)));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Face2", problem.GetProperty("image").GetString());
        Assert.Contains("Face2", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Compare_rejects_missing_parts_bad_base64_and_other_content_types()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();

        using (var missing = await client.PostAsync("/faces/compare", Form(("Face1", StathamA))))
            await ProblemAssert.IsValidation(missing, "Face2");

        using (var bad = await client.PostAsJsonAsync("/faces/compare",
            new { Face1 = "***not base64***", Face2 = Convert.ToBase64String(StathamB) }))
            await ProblemAssert.IsValidation(bad, "Face1");

        using (var badDataUrl = await client.PostAsJsonAsync("/faces/compare",
            new { Face1 = "data:image/jpeg,abc", Face2 = "AAAA" }))
            await ProblemAssert.IsValidation(badDataUrl, "Face1");

        using (var text = await client.PostAsync("/faces/compare",
            new StringContent("hello", Encoding.UTF8, "text/plain")))
            await ProblemAssert.IsProblem(text, HttpStatusCode.UnsupportedMediaType);

        using (var notJson = await client.PostAsync("/faces/compare",
            new StringContent("{\"Face1\": ", Encoding.UTF8, "application/json")))
            await ProblemAssert.IsProblem(notJson, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Generate_returns_a_unit_vector_of_the_model_for_the_largest_face()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        using var response = await client.PostAsync("/vector/generate", Form(("image", GroupPhoto)));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FaceModel.Dimensions, json.GetProperty("dimensions").GetInt32());
        Assert.Equal(FaceModel.Name, json.GetProperty("model").GetString());
        Assert.True(json.GetProperty("faceCount").GetInt32() >= 20, json.GetProperty("faceCount").ToString());
        Assert.True(VectorText.TryParse(json.GetProperty("embedding").GetString(), out var vector, out var error),
            error);
        Assert.Equal(FaceModel.Dimensions, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 3);

        // The largest face of the group photo is Johnson's top-right portrait (x1=1472, y1=62 in labels.json).
        var box = json.GetProperty("face").GetProperty("box");
        var centreX = box.GetProperty("x").GetInt32() + box.GetProperty("width").GetInt32() / 2;
        var centreY = box.GetProperty("y").GetInt32() + box.GetProperty("height").GetInt32() / 2;
        Assert.InRange(centreX, 1472, 1736);
        Assert.InRange(centreY, 62, 415);

        // JSON form: the same bytes give the same vector.
        using var jsonResponse = await client.PostAsJsonAsync("/vector/generate",
            new { image = Convert.ToBase64String(GroupPhoto) });
        var again = await jsonResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(json.GetProperty("embedding").GetString(), again.GetProperty("embedding").GetString());
    }

    [Fact]
    public async Task Stored_faces_are_found_by_another_photo_of_the_same_person_with_exact_scores()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        (await client.PostAsync("/groups/actors", null)).EnsureSuccessStatusCode();

        using var stored = await client.PostAsync("/groups/actors/face?metadata[name]=Statham&metadata[take]=1",
            Form(("image", StathamA)));
        var created = await stored.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var stathamId = created.GetProperty("id").GetString()!;
        Assert.Equal("actors", created.GetProperty("groupName").GetString());
        Assert.Equal(1, created.GetProperty("faceCount").GetInt32());

        var dieselBody = new
        {
            base64Image = "data:image/jpeg;base64," + Convert.ToBase64String(Diesel),
            metadata = new { name = "Diesel", n = 2 },
        };
        using var storedB64 = await client.PostAsJsonAsync("/groups/actors/face/base64", dieselBody);
        Assert.Equal(HttpStatusCode.Created, storedB64.StatusCode);
        var dieselId = (await storedB64.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var vector = await client.GetFromJsonAsync<JsonElement>($"/vectors/{stathamId}");
        var metadata = vector.GetProperty("metadata");
        Assert.Equal("Statham", metadata.GetProperty("name").GetString());
        Assert.Equal("image", metadata.GetProperty("source").GetString());
        Assert.Equal(FaceModel.Dimensions, vector.GetProperty("dimensions").GetInt32());
        var dieselMeta = (await client.GetFromJsonAsync<JsonElement>($"/vectors/{dieselId}")).GetProperty("metadata");
        Assert.Equal("base64", dieselMeta.GetProperty("source").GetString());
        Assert.Equal("2", dieselMeta.GetProperty("n").GetString());

        using var search = await client.PostAsync("/groups/actors/faces/search?topK=2", Form(("queryImage", StathamB)));
        var hits = await search.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Equal(2, hits.GetArrayLength());
        Assert.Equal(stathamId, hits[0].GetProperty("id").GetString());
        Assert.Equal("Statham", hits[0].GetProperty("metadata").GetProperty("name").GetString());
        Assert.True(hits[0].GetProperty("score").GetDouble() > hits[1].GetProperty("score").GetDouble());

        // The score is the exact cosine of the stored vector and the query's embedding.
        using var generated = await client.PostAsync("/vector/generate", Form(("image", StathamB)));
        var queryText = (await generated.Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("embedding").GetString()!;
        Assert.True(VectorText.TryParse(queryText, out var query, out _));
        Assert.True(VectorText.TryParse(vector.GetProperty("vectorString").GetString(), out var storedVector, out _));
        Assert.Equal(VectorMath.Cosine(query, storedVector), hits[0].GetProperty("score").GetDouble(), 4);
    }

    [Fact]
    public async Task Rejected_uploads_store_nothing()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        (await client.PostAsync("/groups/strict", null)).EnsureSuccessStatusCode();

        using (var noFace = await client.PostAsync("/groups/strict/face", Form(("image", Dogs))))
            await ProblemAssert.IsProblem(noFace, HttpStatusCode.UnprocessableEntity);
        using (var random = await client.PostAsync("/groups/strict/face", Form(("image", RandomBytes(5000)))))
            await ProblemAssert.IsProblem(random, HttpStatusCode.UnsupportedMediaType);
        using (var truncated = await client.PostAsync("/groups/strict/face", Form(("image", StathamA[..200]))))
            await ProblemAssert.IsProblem(truncated, HttpStatusCode.UnsupportedMediaType);
        using (var empty = await client.PostAsync("/groups/strict/face", Form(("image", Array.Empty<byte>()))))
            await ProblemAssert.IsValidation(empty, "image");
        using (var systemKey = await client.PostAsync("/groups/strict/face?metadata[source]=x",
            Form(("image", StathamA))))
            await ProblemAssert.IsValidation(systemKey, "metadata.source");
        using (var badKey = await client.PostAsync("/groups/strict/face?metadata[bad key]=x",
            Form(("image", StathamA))))
            await ProblemAssert.IsValidation(badKey, "metadata");
        using (var missingGroup = await client.PostAsync("/groups/nope/face", Form(("image", StathamA))))
            await ProblemAssert.IsProblem(missingGroup, HttpStatusCode.NotFound);
        using (var malformed = await client.PostAsJsonAsync("/groups/strict/face/base64",
            new { base64Image = "abc$%^" }))
            await ProblemAssert.IsValidation(malformed, "base64Image");
        using (var tooBig = await client.PostAsJsonAsync("/groups/strict/face/base64",
            new { base64Image = Convert.ToBase64String(new byte[1024 * 1024 + 10]) }))
            await ProblemAssert.IsProblem(tooBig, HttpStatusCode.RequestEntityTooLarge);
        using (var noFaceB64 = await client.PostAsJsonAsync("/groups/strict/face/base64",
            new { base64Image = Convert.ToBase64String(Dogs) }))
            await ProblemAssert.IsProblem(noFaceB64, HttpStatusCode.UnprocessableEntity);
        using (var searchNoFace = await client.PostAsync("/groups/strict/faces/search", Form(("queryImage", Dogs))))
            await ProblemAssert.IsProblem(searchNoFace, HttpStatusCode.UnprocessableEntity);
        using (var badTopK = await client.PostAsync("/groups/strict/faces/search?topK=41",
            Form(("queryImage", StathamA))))
            await ProblemAssert.IsValidation(badTopK, "topK");

        var ids = await client.GetFromJsonAsync<JsonElement>("/groups/strict/vectors");
        Assert.Equal(0, ids.GetArrayLength());
        var groups = await client.GetFromJsonAsync<JsonElement>("/groups");
        var strict = groups.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "strict");
        Assert.Equal(0, strict.GetProperty("vectorCount").GetInt64());
    }

    [Fact]
    public async Task Oversized_uploads_are_refused_with_413()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        var huge = new byte[10 * 1024 * 1024 + 1];
        huge[0] = 0xFF;
        huge[1] = 0xD8;
        using var response = await client.PostAsync("/vector/generate", Form(("image", huge)));
        await ProblemAssert.IsProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Another_tenants_group_is_not_found_for_faces()
    {
        using var owner = await fixture.Api.CreateTenantClientAsync("owner");
        using var other = await fixture.Api.CreateTenantClientAsync("other");
        (await owner.PostAsync("/groups/private", null)).EnsureSuccessStatusCode();
        using (var stored = await owner.PostAsync("/groups/private/face", Form(("image", StathamA))))
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);

        using (var search = await other.PostAsync("/groups/private/faces/search", Form(("queryImage", StathamA))))
            await ProblemAssert.IsProblem(search, HttpStatusCode.NotFound);
        using (var write = await other.PostAsync("/groups/private/face", Form(("image", StathamA))))
            await ProblemAssert.IsProblem(write, HttpStatusCode.NotFound);
        using (var anonymous = fixture.Api.CreateClient(key: null))
        using (var unauthorised = await anonymous.PostAsync("/faces/compare",
            Form(("Face1", StathamA), ("Face2", StathamB))))
        {
            await ProblemAssert.IsProblem(unauthorised, HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task A_group_keeps_the_model_of_its_first_face_and_refuses_faces_of_another()
    {
        var tenant = await fixture.Api.CreateTenantAsync();
        using var client = fixture.Api.CreateClient(tenant.Key);
        (await client.PostAsync("/groups/current", null)).EnsureSuccessStatusCode();
        using (var stored = await client.PostAsync("/groups/current/face", Form(("image", StathamA))))
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);

        // A group filled by an earlier model (same length, so only the recorded model tells them apart).
        (await client.PostAsync("/groups/legacy", null)).EnsureSuccessStatusCode();
        var store = fixture.Api.Services.GetRequiredService<FaceStore>();
        var old = new float[FaceModel.Dimensions];
        old[0] = 1;
        await store.AddAsync(tenant.TenantId, "legacy", new VectorWrite(old, null, VectorSources.Image),
            "older-model-v0");

        var groups = await client.GetFromJsonAsync<JsonElement>("/groups");
        Assert.Equal(FaceModel.Name, groups.EnumerateArray()
            .Single(g => g.GetProperty("name").GetString() == "current").GetProperty("model").GetString());
        Assert.Equal("older-model-v0", groups.EnumerateArray()
            .Single(g => g.GetProperty("name").GetString() == "legacy").GetProperty("model").GetString());

        using (var write = await client.PostAsync("/groups/legacy/face", Form(("image", StathamB))))
        {
            var problem = await ProblemAssert.IsProblem(write, HttpStatusCode.Conflict);
            Assert.Equal("older-model-v0", problem.GetProperty("groupModel").GetString());
            Assert.Equal(FaceModel.Name, problem.GetProperty("model").GetString());
            Assert.Contains("re-embed", problem.GetProperty("detail").GetString());
        }
        using (var search = await client.PostAsync("/groups/legacy/faces/search", Form(("queryImage", StathamB))))
            await ProblemAssert.IsProblem(search, HttpStatusCode.Conflict);
        Assert.Equal(1, (await store.GetGroupAsync(tenant.TenantId, "legacy"))!.VectorCount);

        // Raw vectors record no model: a vector of the right length still goes into a face group.
        using (var raw = await client.PostAsJsonAsync("/groups/current/vector",
            new { vectorString = string.Join(",", old) }))
            Assert.Equal(HttpStatusCode.Created, raw.StatusCode);
    }

    private static async Task<JsonElement> CompareAsync(HttpClient client, HttpContent content)
    {
        using var response = await client.PostAsync("/faces/compare", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
