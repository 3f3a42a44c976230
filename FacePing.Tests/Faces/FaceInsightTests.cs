using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Contracts.Inference;
using FacePing.Tests.Api;
using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using static FacePing.Tests.Faces.FaceRequests;

namespace FacePing.Tests.Faces;

/// <summary>
/// Beyond the original contract, on real photos: every face of a photo with its quality (/faces/detect), every face
/// identified at once (/faces/identify), one row per person (groupBy) and the enrolment quality bar (minQuality).
/// </summary>
[Collection(FacesCollection.Name)]
public sealed class FaceInsightTests(FacesFixture fixture)
{
    private static readonly byte[] GroupPhoto = File.ReadAllBytes(RepoPaths.Face("bald_guys.jpg"));
    private static readonly string[] People = ["Statham", "Diesel", "Johnson", "Willis"];

    [Fact]
    public async Task Detect_returns_every_face_largest_first_with_landmarks_and_quality()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        using var response = await client.PostAsync("/faces/detect", Form(("image", GroupPhoto)));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var faces = json.GetProperty("faces").EnumerateArray().ToArray();
        Assert.Equal(24, json.GetProperty("faceCount").GetInt32());
        Assert.Equal(24, faces.Length);
        var areas = faces.Select(f => f.GetProperty("box").GetProperty("width").GetInt32()
            * f.GetProperty("box").GetProperty("height").GetInt32()).ToArray();
        Assert.Equal(areas.OrderDescending(), areas);
        foreach (var face in faces)
        {
            var box = face.GetProperty("box");
            var (x, y, w, h) = (box.GetProperty("x").GetInt32(), box.GetProperty("y").GetInt32(),
                box.GetProperty("width").GetInt32(), box.GetProperty("height").GetInt32());
            var eye = face.GetProperty("landmarks").GetProperty("leftEye");
            Assert.InRange(eye[0].GetSingle(), x, x + w);
            Assert.InRange(eye[1].GetSingle(), y, y + h);
            var quality = face.GetProperty("quality");
            Assert.InRange(quality.GetProperty("score").GetSingle(), 0f, 1f);
            Assert.InRange(quality.GetProperty("faceSize").GetInt32(), Math.Min(w, h) - 2, Math.Min(w, h) + 2);
            // Portraits of a studio collage: big, sharp and frontal enough to recognise.
            Assert.True(quality.GetProperty("score").GetSingle() >= 0.5f, quality.ToString());
        }

        // The JSON form gives the same answer.
        using var jsonForm = await client.PostAsJsonAsync("/faces/detect",
            new { image = Convert.ToBase64String(GroupPhoto) });
        Assert.Equal(24, (await jsonForm.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("faceCount").GetInt32());
    }

    [Fact]
    public async Task Quality_falls_for_a_tiny_face_and_the_enrolment_bar_refuses_it_with_reasons()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        (await client.PostAsync("/groups/enrol", null)).EnsureSuccessStatusCode();
        var sharp = FacesFixture.Crop("Willis", 2);
        var tiny = TestImages.Shrink(sharp, 0.12f);

        var good = await DetectQualityAsync(client, sharp);
        var bad = await DetectQualityAsync(client, tiny);
        Assert.True(good.GetProperty("score").GetSingle() >= 0.8f, good.ToString());
        Assert.True(bad.GetProperty("score").GetSingle() < 0.3f, bad.ToString());
        Assert.Contains("small", bad.GetProperty("issues").EnumerateArray().Select(i => i.GetString()));

        using (var refused = await client.PostAsync("/groups/enrol/face?minQuality=0.6", Form(("image", tiny))))
        {
            var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.GetProperty("quality").GetProperty("score").GetSingle() < 0.6f);
            Assert.Contains("small", problem.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        }
        using (var base64 = await client.PostAsJsonAsync("/groups/enrol/face/base64",
            new { base64Image = Convert.ToBase64String(tiny), minQuality = 0.6 }))
            await ProblemAssert.IsProblem(base64, HttpStatusCode.UnprocessableEntity);
        using (var badBar = await client.PostAsync("/groups/enrol/face?minQuality=2", Form(("image", sharp))))
            await ProblemAssert.IsValidation(badBar, "minQuality");
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/groups")).EnumerateArray().Single()
            .GetProperty("vectorCount").GetInt32());

        // Without a bar (the original's behaviour) the same face is stored, and the answer says how good it is.
        using var stored = await client.PostAsync("/groups/enrol/face", Form(("image", tiny)));
        var created = await stored.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.True(created.GetProperty("face").GetProperty("quality").GetProperty("score").GetSingle() < 0.3f);
    }

    [Fact]
    public async Task Identify_names_every_face_of_the_group_photo()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        (await client.PostAsync("/groups/cast", null)).EnsureSuccessStatusCode();
        foreach (var person in People)
        {
            using var stored = await client.PostAsync($"/groups/cast/face?metadata[person]={person}",
                Form(("image", FacesFixture.Crop(person, 0))));
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        using var response = await client.PostAsync("/groups/cast/faces/identify?maxFaces=30",
            Form(("image", GroupPhoto)));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var faces = json.GetProperty("faces").EnumerateArray().ToArray();
        Assert.Equal(24, faces.Length);

        var right = 0;
        foreach (var label in FaceLabels.BaldGuys)
        {
            var face = faces.Single(f => FaceLabels.IoU(label, Box(f)) >= 0.3f);
            var best = Assert.Single(face.GetProperty("matches").EnumerateArray());
            if (best.GetProperty("metadata").GetProperty("person").GetString() == label.Person
                && best.GetProperty("isMatch").GetBoolean()) right++;
        }
        // Each person is enrolled from one photo; the other five of each must be recognised from it.
        Assert.Equal(24, right);

        using (var few = await client.PostAsync("/groups/cast/faces/identify?maxFaces=3&topK=2",
            Form(("image", GroupPhoto))))
        {
            var body = await few.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(24, body.GetProperty("faceCount").GetInt32());
            Assert.Equal(3, body.GetProperty("faces").GetArrayLength());
            Assert.All(body.GetProperty("faces").EnumerateArray(),
                f => Assert.Equal(2, f.GetProperty("matches").GetArrayLength()));
        }
        using (var invalid = await client.PostAsync("/groups/cast/faces/identify?maxFaces=0",
            Form(("image", GroupPhoto))))
            await ProblemAssert.IsValidation(invalid, "maxFaces");
        using (var missing = await client.PostAsync("/groups/nobody/faces/identify", Form(("image", GroupPhoto))))
            await ProblemAssert.IsProblem(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GroupBy_gives_one_row_per_person_in_face_and_vector_search()
    {
        using var client = await fixture.Api.CreateTenantClientAsync();
        (await client.PostAsync("/groups/people", null)).EnsureSuccessStatusCode();
        for (var i = 0; i < 3; i++)
            (await client.PostAsync($"/groups/people/face?metadata[person]=Statham",
                Form(("image", FacesFixture.Crop("Statham", i))))).EnsureSuccessStatusCode();
        (await client.PostAsync("/groups/people/face?metadata[person]=Diesel",
            Form(("image", FacesFixture.Crop("Diesel", 0))))).EnsureSuccessStatusCode();
        (await client.PostAsync("/groups/people/face",
            Form(("image", FacesFixture.Crop("Willis", 0))))).EnsureSuccessStatusCode(); // no person key

        var query = FacesFixture.Crop("Statham", 4);
        var plain = await SearchAsync(client, "/groups/people/faces/search?topK=3", query);
        Assert.All(plain, h => Assert.Equal("Statham", h.GetProperty("metadata").GetProperty("person").GetString()));

        var grouped = await SearchAsync(client, "/groups/people/faces/search?topK=3&groupBy=person", query);
        Assert.Equal(["Statham", "Diesel"],
            grouped.Select(h => h.GetProperty("metadata").GetProperty("person").GetString()));
        Assert.Equal(plain[0].GetProperty("id").GetString(), grouped[0].GetProperty("id").GetString());

        // The same through /vectors/search with the face's vector.
        using var generated = await client.PostAsync("/vector/generate", Form(("image", query)));
        var vector = (await generated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("embedding").GetString();
        using var byVector = await client.PostAsJsonAsync("/groups/people/vectors/search",
            new { vectorString = vector, topK = 5, groupBy = "person" });
        var rows = (await byVector.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();
        Assert.Equal(["Statham", "Diesel"],
            rows.Select(h => h.GetProperty("metadata").GetProperty("person").GetString()));
        using (var bad = await client.PostAsJsonAsync("/groups/people/vectors/search",
            new { vectorString = vector, groupBy = "bad key!" }))
            await ProblemAssert.IsValidation(bad, "groupBy");
    }

    private static async Task<JsonElement> DetectQualityAsync(HttpClient client, byte[] image)
    {
        using var response = await client.PostAsync("/faces/detect", Form(("image", image)));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return json.GetProperty("faces")[0].GetProperty("quality");
    }

    private static async Task<JsonElement[]> SearchAsync(HttpClient client, string path, byte[] image)
    {
        using var response = await client.PostAsync(path, Form(("queryImage", image)));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return json.EnumerateArray().ToArray();
    }

    private static FaceBox Box(JsonElement face)
    {
        var b = face.GetProperty("box");
        return new FaceBox(b.GetProperty("x").GetSingle(), b.GetProperty("y").GetSingle(),
            b.GetProperty("width").GetSingle(), b.GetProperty("height").GetSingle());
    }
}
