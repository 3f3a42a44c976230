using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FacePing.Tests.Api;
using FacePing.Tests.Faces;
using FacePing.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FacePing.Tests.Security;

/// <summary>
/// The image endpoints fuzzed through the real Api and the real Inference service. Few cases (each image that reaches
/// the models costs inference time), chosen to cover the parsers: multipart structure, base64 and data URLs, image
/// headers, metadata query strings and topK.
/// </summary>
[Collection(FacesCollection.Name)]
public sealed class ImageFuzzTests(FacesFixture fixture, ITestOutputHelper output)
{
    private const int Requests = 300;

    [Fact]
    public async Task Malformed_image_requests_never_500_hang_or_store_anything()
    {
        var tenant = await fixture.Api.CreateTenantAsync("image-fuzz");
        using var client = fixture.Api.CreateClient(tenant.Key);
        await ApiTestData.CreateGroup(client, "imgfuzz");
        var random = new Random(FuzzTests.Seed);
        var f = new FuzzInputs(random);
        var face = FacesFixture.Crop("Willis", 0);
        var images = new[]
        {
            face[..(face.Length / 2)], face[..20], [0xFF, 0xD8], [], Noise(random, 3000),
            ImageLimitsTests.PngHeader(100_000, 100_000), ImageLimitsTests.PngHeader(0, 10),
            ImageLimitsTests.PngHeader(-1, -1), ImageLimitsTests.PngHeader(1, 1), "GIF89a\u0001\0\u0001\0"u8.ToArray(),
            "BM"u8.ToArray().Concat(new byte[60]).ToArray(), "RIFF\0\0\0\0WEBPVP8 "u8.ToArray(),
            Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg'/>"),
            face.Select((b, i) => i > 600 && i % 97 == 0 ? (byte)~b : b).ToArray(), // corrupted scan data
        };
        string[] parts = ["image", "queryImage", "Face1", "Face2", "IMAGE", "file", "a b"];
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var watch = Stopwatch.StartNew();
        var sent = 0;
        for (; sent < Requests && watch.Elapsed < TimeSpan.FromSeconds(120); sent++)
        {
            var path = f.Pick(new[]
            {
                "/faces/compare", "/vector/generate", $"/groups/{Group(f)}/face{f.Query()}",
                $"/groups/{Group(f)}/face/base64", $"/groups/{Group(f)}/faces/search{f.Query()}",
            });
            HttpContent content;
            string shown;
            switch (random.Next(4))
            {
                case 0 or 1:
                    var boundary = f.Pick(["b", "x" + new string('-', 60), "\"q\"", "ü"]);
                    var form = new MultipartFormDataContent("fuzz");
                    foreach (var _ in Enumerable.Range(0, random.Next(0, 4)))
                    {
                        var bytes = random.Next(10) == 0 ? face : f.Pick(images);
                        var part = new ByteArrayContent(bytes);
                        part.Headers.ContentType = new MediaTypeHeaderValue(
                            f.Pick(["image/jpeg", "image/png", "text/plain", "application/octet-stream"]));
                        if (random.Next(4) == 0) form.Add(part, f.Pick(parts));
                        else form.Add(part, f.Pick(parts), "f.jpg");
                    }
                    if (random.Next(3) == 0) form.Add(new StringContent(f.RandomText(20)), f.Pick(parts));
                    content = form;
                    if (random.Next(6) == 0) // a broken boundary or a truncated body
                    {
                        var raw = await form.ReadAsByteArrayAsync();
                        content = new ByteArrayContent(raw[..random.Next(raw.Length + 1)]);
                        content.Headers.TryAddWithoutValidation("Content-Type",
                            $"multipart/form-data; boundary={boundary}");
                    }
                    shown = "multipart";
                    break;
                case 2:
                    var image = f.Pick(images);
                    var b64 = random.Next(5) switch
                    {
                        0 => "data:image/png;base64," + Convert.ToBase64String(image),
                        1 => "data:image/png," + Convert.ToBase64String(image),
                        2 => Convert.ToBase64String(image)
                            .Insert(Math.Min(3, Convert.ToBase64String(image).Length), " \n\t"),
                        3 => f.RandomText(30),
                        _ => Convert.ToBase64String(image) + "===",
                    };
                    var field = f.Pick(["image", "base64Image", "Face1", "Face2", "face1"]);
                    var value = random.Next(5) == 0 ? f.Value(1) : f.JsonString(b64);
                    var json = $"{{\"{field}\":{value},\"Face2\":{f.JsonString(b64)}," +
                        $"\"metadata\":{(random.Next(2) == 0 ? f.Metadata(1) : "{}")}}}";
                    content = new ByteArrayContent(f.Body(() => json));
                    content.Headers.TryAddWithoutValidation("Content-Type", f.ContentType() ?? "application/json");
                    shown = json.Length > 120 ? json[..120] : json;
                    break;
                default:
                    content = new ByteArrayContent(f.Pick(images));
                    content.Headers.TryAddWithoutValidation("Content-Type",
                        f.Pick(["image/jpeg", "application/octet-stream", "text/plain"]));
                    shown = "raw image body";
                    break;
            }
            using (content)
            {
                await Api.ApiTestData.WaitIndexerIdle(fixture.Redis.Db);
                var before = await fixture.Redis.Server.DatabaseSizeAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                HttpResponseMessage response;
                try
                {
                    response = await client.PostAsync(path, content, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    failures.Add($"#{sent} POST {path} ({shown}): no answer in 30 s");
                    continue;
                }
                using (response)
                {
                    var status = (int)response.StatusCode;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    var body = await response.Content.ReadAsStringAsync();
                    if (status >= 500) failures.Add($"#{sent} POST {path} ({shown}): {status} {body}");
                    if (status >= 400 && FuzzTests.ProblemError(response, body) is { } problem)
                        failures.Add($"#{sent} POST {path} ({shown}): {status} {problem}");
                    if (status >= 400 && await fixture.Redis.Server.DatabaseSizeAsync() != before)
                        failures.Add($"#{sent} POST {path} ({shown}): rejected with {status} but Redis keys changed");
                }
            }
        }
        output.WriteLine($"{sent} image requests in {watch.Elapsed.TotalSeconds:F1} s (seed {FuzzTests.Seed}); " +
                         "statuses: " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        foreach (var failure in failures.Take(30)) output.WriteLine(failure);
        Assert.True(failures.Count == 0, $"{failures.Count} failures, first: {failures.FirstOrDefault()}");
        Assert.True(statuses.Keys.Count(s => s >= 400) >= 3, "the fuzzer should hit several kinds of rejection");
    }

    private static string Group(FuzzInputs f) => f.Chance(0.7) ? "imgfuzz" : f.Group();

    private static byte[] Noise(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
