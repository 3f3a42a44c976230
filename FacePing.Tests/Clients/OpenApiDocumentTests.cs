using System.Text.Json;
using System.Text.Json.Nodes;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Clients;

/// <summary>
/// The TypeScript client's types are generated from clients/typescript/openapi.json: it must be what the Api serves,
/// and say what the Api really sends and takes.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class OpenApiDocumentTests(ClientFixture fx)
{
    private async Task<JsonObject> LiveAsync()
    {
        using var http = new HttpClient { BaseAddress = fx.ApiUrl };
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!.AsObject();
        document.Remove("servers"); // names this run's port
        return document;
    }

    [Fact]
    public async Task The_committed_document_is_the_one_the_Api_serves()
    {
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(
            Path.Combine(TypeScriptClientTests.Folder, "openapi.json")))!;
        var live = await LiveAsync();
        Assert.True(JsonNode.DeepEquals(committed, live),
            "clients/typescript/openapi.json differs from the Api's /openapi/v1.json: run " +
            "clients/typescript/scripts/generate.sh and commit openapi.json and src/schema.d.ts.");
    }

    [Fact]
    public async Task Numbers_timestamps_multipart_bodies_and_problems_are_typed()
    {
        var live = await LiveAsync();
        var text = live.ToJsonString();
        // No number is also typed as a string, and every timestamp says it is a string.
        Assert.DoesNotContain("\"pattern\":\"^-?(?:0|[1-9]\\\\d*)", text);
        var schemas = live["components"]!["schemas"]!;
        Assert.Equal("string", schemas["JobView"]!["properties"]!["createdAt"]!["type"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Array,
            schemas["JobView"]!["properties"]!["completedAt"]!["type"]!.GetValueKind());
        // Nullable request fields may be left out.
        var ftp = schemas["FtpFolderRequest"]!["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [];
        Assert.DoesNotContain("callbackUrl", ftp);
        // Every multipart body names its file parts as binary.
        foreach (var (path, item) in live["paths"]!.AsObject())
        {
            foreach (var (_, operation) in item!.AsObject())
            {
                if (operation!["requestBody"]?["content"]?["multipart/form-data"]?["schema"] is not { } form) continue;
                var parts = form["properties"]!.AsObject();
                Assert.NotEmpty(parts);
                Assert.All(parts, p => Assert.Equal("binary", p.Value!["format"]!.GetValue<string>()));
                Assert.Equal(parts.Count, form["required"]!.AsArray().Count);
                _ = path;
            }
        }
        var search = live["paths"]!["/groups/{groupName}/faces/search"]!["post"]!;
        var searchForm = search["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!;
        Assert.NotNull(searchForm["properties"]!["queryImage"]);
        var storeFace = live["paths"]!["/groups/{groupName}/face"]!["post"]!["parameters"]!.AsArray();
        Assert.Contains(storeFace, p => p!["name"]!.GetValue<string>() == "metadata"
            && p["style"]!.GetValue<string>() == "deepObject");
        // 429 and 503 answers are problem+json with Retry-After, and problems keep their extension members.
        var limited = search["responses"]!["429"]!;
        Assert.NotNull(limited["headers"]!["Retry-After"]);
        Assert.NotNull(limited["content"]!["application/problem+json"]);
        Assert.NotNull(search["responses"]!["503"]!["headers"]!["Retry-After"]);
        Assert.NotNull(schemas["ProblemDetails"]!["additionalProperties"]);
    }
}
