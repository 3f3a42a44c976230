using System.Net;
using System.Text;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Security;

/// <summary>Bugs the fuzzer found (each was a 500), kept as plain regression tests.</summary>
[Collection(ApiCollection.Name)]
public sealed class FuzzFoundBugsTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("/vectors/compare", """{"embedding1":"1,2","embedding2":"1,2"}""")]
    [InlineData("/vectors/search", """{"metadata":{"tag":"x"}}""")]
    [InlineData("/groups/enc/vector", """{"vectorString":"1,2"}""")]
    public async Task Unknown_json_charset_is_415_not_500(string path, string json)
    {
        using var client = await fixture.Factory.CreateTenantClientAsync();
        using (await client.PostAsync("/groups/enc", null)) { }
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=nope");
        using var response = await client.PostAsync(path, content);
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("nope", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/vectors/search", "{\"metadata\":{\"tag\":\"a\xFF-b\"}}")]
    [InlineData("/vectors/search", "{\"metadata\":{\"t\xC3g\":\"ab\"}}")]
    [InlineData("/groups/utf/vector", "{\"vectorString\":\"1,2\",\"metadata\":{\"tag\":\"\xED\xA0\x80\"}}")]
    [InlineData("/groups/utf/vectors/search", "{\"vectorString\":\"1,2\",\"metadata\":{\"tag\":\"\xF8\"}}")]
    [InlineData("/groups/utf/face/base64", "{\"base64Image\":\"\xFF\"}")]
    public async Task Invalid_utf8_inside_json_strings_is_400_and_stores_nothing(string path, string latin1Json)
    {
        using var client = await fixture.Factory.CreateTenantClientAsync();
        using (await client.PostAsync("/groups/utf", null)) { }
        await Api.ApiTestData.WaitIndexerIdle(fixture.Redis.Db);
        var before = await fixture.Redis.Server.DatabaseSizeAsync();
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(latin1Json)); // the \x escapes become raw bytes
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await client.PostAsync(path, content);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await fixture.Redis.Server.DatabaseSizeAsync());
    }

    // Issue 20 item 2: an unpaired UTF-16 escape in any JSON string the Api reads, as the raw six characters \ud800.
    [Theory]
    [InlineData("/groups/u16/vector", """{"vectorString":"1,2","metadata":{"tag":"a\ud800"}}""")]
    [InlineData("/groups/u16/vector", """{"vectorString":"1,2","metadata":{"\udc00":"v"}}""")]
    [InlineData("/groups/u16/vectors/upsert", """{"vectors":[{"vectorString":"1,2","metadata":{"t":"\ud800"}}]}""")]
    [InlineData("/groups/u16/vectors/upsert", """{"vectors":[{"vectorString":"1,2","metadata":{"\ud800x":1}}]}""")]
    [InlineData("/vectors/search", """{"metadata":{"tag":"\ud800"}}""")]
    [InlineData("/vectors/search", """{"metadata":{"\udfff":"v"}}""")]
    [InlineData("/groups/u16/vectors/search", """{"vectorString":"1,2","metadata":{"tag":"\ud800\ud800"}}""")]
    [InlineData("/faces/compare", """{"Face1":"\ud800","Face2":"AAAA"}""")]
    [InlineData("/groups/u16/face/base64", """{"base64Image":"\ud800"}""")]
    [InlineData("/groups/u16/face/base64", """{"base64Image":"AAAA","metadata":{"n":"\udc00"}}""")]
    [InlineData("/groups/u16/process-drive-folder",
        """{"folderId":"abc","serviceAccountKey":{"type":"\ud800","client_email":"a@b.c"}}""")]
    [InlineData("/groups/u16/process-drive-folder",
        """{"folderId":"abc","serviceAccountKey":"{\"type\":\"\\ud800\"}"}""")]
    [InlineData("/groups/u16/process-ftp-folder", """{"host":"ftp.example.com","username":"\ud800"}""")]
    public async Task An_unpaired_utf16_escape_in_a_json_string_is_400_and_stores_nothing(string path, string json)
    {
        using var client = await fixture.Factory.CreateTenantClientAsync();
        using (await client.PostAsync("/groups/u16", null)) { }
        var before = await fixture.Redis.Server.DatabaseSizeAsync();
        using var response = await client.PostAsync(path, ApiTestData.RawJson(json));
        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await fixture.Redis.Server.DatabaseSizeAsync());
    }

    [Theory]
    [InlineData("/vector/generate")]
    [InlineData("/faces/compare")]
    [InlineData("/groups/parts/face")]
    [InlineData("/groups/parts/faces/search")]
    public async Task A_truncated_multipart_body_is_400(string path)
    {
        using var client = await fixture.Factory.CreateTenantClientAsync();
        using (await client.PostAsync("/groups/parts", null)) { }
        using var form = new MultipartFormDataContent("cut");
        form.Add(new ByteArrayContent(new byte[5000]), "image", "a.jpg");
        var raw = await form.ReadAsByteArrayAsync();
        var content = new ByteArrayContent(raw[..2500]); // no closing boundary
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=cut");
        using var response = await client.PostAsync(path, content);
        await ProblemAssert.IsValidation(response, "body");
    }
}
