using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Contracts.Inference;
using FacePing.Tests.Infrastructure;
using SkiaSharp;

namespace FacePing.Tests.Inference;

/// <summary>POST /v1/analyze over HTTP: real photos, hostile bodies, concurrency.</summary>
public sealed class AnalyzeEndpointTests(InferenceAppFactory factory) : IClassFixture<InferenceAppFactory>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<HttpResponseMessage> PostAsync(HttpContent content, string query = "")
    {
        using var client = factory.CreateClient();
        return await client.PostAsync("/v1/analyze" + query, content);
    }

    private static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
        return problem;
    }

    [Fact]
    public async Task Analyzes_a_photo_into_camel_case_json()
    {
        using var response = await PostAsync(Body(File.ReadAllBytes(RepoPaths.Face("Tom_Cruise_avp_2014_4.jpg"))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, json.GetProperty("faceCount").GetInt32());
        Assert.Equal(FaceModel.Name, json.GetProperty("model").GetString());
        var face = json.GetProperty("faces")[0];
        Assert.True(face.GetProperty("box").GetProperty("width").GetSingle() > 100);
        Assert.Equal(FaceModel.Dimensions, face.GetProperty("embedding").GetArrayLength());
        Assert.Equal(5, face.GetProperty("landmarks").GetArrayLength());
        var analysis = json.Deserialize<FaceAnalysis>(Json)!;
        Assert.Equal((565, 800), (analysis.Width, analysis.Height));
    }

    [Fact]
    public async Task Embed_none_leaves_embeddings_out()
    {
        using var response = await PostAsync(Body(File.ReadAllBytes(RepoPaths.Face("2008_001322.jpg"))), "?embed=none");
        var analysis = (await response.Content.ReadFromJsonAsync<FaceAnalysis>(Json))!;
        Assert.Equal(3, analysis.FaceCount);
        Assert.All(analysis.Faces, f => Assert.Null(f.Embedding));
    }

    [Fact]
    public async Task Unknown_embed_mode_is_a_validation_problem()
    {
        using var response = await PostAsync(Body(File.ReadAllBytes(RepoPaths.Face("dogs.jpg"))), "?embed=some");
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("embed", out _));
    }

    [Fact]
    public async Task Photo_without_a_face_answers_200_with_no_faces()
    {
        using var response = await PostAsync(Body(File.ReadAllBytes(RepoPaths.Face("dogs.jpg"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var analysis = (await response.Content.ReadFromJsonAsync<FaceAnalysis>(Json))!;
        Assert.Equal(0, analysis.FaceCount);
        Assert.Empty(analysis.Faces);
    }

    [Fact]
    public async Task Empty_body_is_400()
    {
        using var response = await PostAsync(Body([]));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Random_bytes_are_415()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        using var response = await PostAsync(Body(bytes));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("progressive-jpeg")]
    [InlineData("baseline-jpeg")]
    [InlineData("png")]
    [InlineData("webp")]
    public async Task Truncated_image_is_415_naming_the_truncation(string kind)
    {
        var original = File.ReadAllBytes(RepoPaths.Face("Tom_Cruise_avp_2014_4.jpg")); // progressive
        using var bitmap = SKBitmap.Decode(original);
        var bytes = kind switch
        {
            "progressive-jpeg" => original,
            "baseline-jpeg" => TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, 90),
            "png" => TestImages.Encode(bitmap, SKEncodedImageFormat.Png, 100),
            _ => TestImages.Encode(bitmap, SKEncodedImageFormat.Webp, 90),
        };
        using var response = await PostAsync(Body(bytes[..(bytes.Length * 6 / 10)]));
        var problem = await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("truncated", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Png_header_claiming_ten_gigapixels_is_413_without_decoding()
    {
        using var response = await PostAsync(Body(TestImages.PngHeaderOnly(100_000, 100_000)));
        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("100000x100000", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task One_pixel_image_has_no_face()
    {
        using var bitmap = new SKBitmap(1, 1);
        bitmap.SetPixel(0, 0, SKColors.Coral);
        using var response = await PostAsync(Body(TestImages.Encode(bitmap, SKEncodedImageFormat.Png, 100)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var analysis = (await response.Content.ReadFromJsonAsync<FaceAnalysis>(Json))!;
        Assert.Equal((1, 1, 0), (analysis.Width, analysis.Height, analysis.FaceCount));
    }

    [Fact]
    public async Task Body_over_the_byte_limit_is_413()
    {
        using var response = await PostAsync(Body(new byte[10 * 1024 * 1024 + 1]));
        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("10,485,760", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Chunked_body_over_the_byte_limit_is_413()
    {
        // No Content-Length: the limit is enforced while reading.
        var content = new StreamContent(new MemoryStream(new byte[10 * 1024 * 1024 + 100]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/analyze") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Health_reports_the_loaded_models()
    {
        using var client = factory.CreateClient();
        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        var models = health.GetProperty("checks").GetProperty("models");
        Assert.Equal("Healthy", models.GetProperty("status").GetString());
        Assert.Contains("yunet_s_dynamic.onnx", models.GetProperty("data").GetProperty("detector").GetString());
        Assert.Contains("[N,3,N,N]", models.GetProperty("data").GetProperty("detector").GetString());
        Assert.Contains("fr_feature.onnx", models.GetProperty("data").GetProperty("embedding").GetString());
    }

    [Fact]
    public async Task Parallel_requests_give_the_same_embeddings_as_sequential_ones()
    {
        string[] files = ["Tom_Cruise_avp_2014_4.jpg", "2008_001009.jpg", "2008_001322.jpg", "2007_007763.jpg"];
        var bodies = files.Select(f => File.ReadAllBytes(RepoPaths.Face(f))).ToArray();

        async Task<FaceAnalysis> Run(byte[] body)
        {
            using var response = await PostAsync(Body(body));
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<FaceAnalysis>(Json))!;
        }

        var sequential = new List<FaceAnalysis>();
        foreach (var body in bodies) sequential.Add(await Run(body));
        var parallel = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(i => Task.Run(() => Run(bodies[i % bodies.Length]))));

        for (var i = 0; i < parallel.Length; i++)
        {
            var expected = sequential[i % bodies.Length];
            Assert.Equal(expected.FaceCount, parallel[i].FaceCount);
            for (var f = 0; f < expected.FaceCount; f++)
            {
                var a = expected.Faces[f].Embedding!;
                var b = parallel[i].Faces[f].Embedding!;
                Assert.True(FaceLabels.Cosine(a, b) > 0.99999f, $"request {i} face {f} differs");
            }
        }
    }
}
