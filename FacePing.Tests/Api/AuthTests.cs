using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture fixture)
{
    private ApiFactory Api => fixture.Factory;

    [Theory]
    [InlineData(null)]
    [InlineData("fp_notakeythatexists")]
    [InlineData("")]
    public async Task Missing_or_unknown_key_is_401_with_bearer_challenge(string? key)
    {
        using var client = Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/groups");
        if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Non_bearer_scheme_is_401()
    {
        using var client = Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/groups");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tenant_key_on_admin_route_is_403_and_admin_key_on_tenant_route_is_403()
    {
        using var tenant = await Api.CreateTenantClientAsync();
        using (var response = await tenant.GetAsync("/admin/keys"))
            await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
        using (var response = await tenant.PostAsJsonAsync("/admin/keys", new { name = "x" }))
            await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);

        using var admin = Api.CreateAdminClient();
        using (var response = await admin.GetAsync("/groups"))
            await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_creates_lists_and_revokes_keys_and_revocation_is_immediate()
    {
        using var admin = Api.CreateAdminClient();
        using var created = await admin.PostAsJsonAsync("/admin/keys", new { name = "mobile app" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = key.GetProperty("id").GetString()!;
        var secret = key.GetProperty("key").GetString()!;
        Assert.Equal("mobile app", key.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("tenantId").GetString()));
        Assert.True(secret.Length >= 40, "key must carry 256 bits");

        using var tenant = Api.CreateClient(secret);
        using (var ok = await tenant.GetAsync("/groups")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var listText = await admin.GetStringAsync("/admin/keys");
        Assert.DoesNotContain(secret, listText);
        var listed = JsonDocument.Parse(listText)
            .RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.False(listed.GetProperty("revoked").GetBoolean());
        Assert.Equal(key.GetProperty("tenantId").GetString(), listed.GetProperty("tenantId").GetString());
        Assert.True(listed.TryGetProperty("createdAt", out _));
        Assert.False(listed.TryGetProperty("key", out _));

        // Redis holds only the hash: the plain key appears in no key name and no value.
        foreach (var redisKey in fixture.Redis.Server.Keys(pattern: "{faceping:keys}*"))
        {
            Assert.DoesNotContain(secret, redisKey.ToString());
            if (fixture.Redis.Db.KeyType(redisKey) == StackExchange.Redis.RedisType.Hash)
                Assert.DoesNotContain(fixture.Redis.Db.HashGetAll(redisKey), e => e.Value.ToString().Contains(secret));
        }

        using (var revoked = await admin.DeleteAsync($"/admin/keys/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using (var after = await tenant.GetAsync("/groups"))
            await ProblemAssert.IsProblem(after, HttpStatusCode.Unauthorized);
        listed = (await admin.GetFromJsonAsync<JsonElement>("/admin/keys")).EnumerateArray()
            .Single(k => k.GetProperty("id").GetString() == id);
        Assert.True(listed.GetProperty("revoked").GetBoolean());

        using (var again = await admin.DeleteAsync($"/admin/keys/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        using (var unknown = await admin.DeleteAsync("/admin/keys/nosuchkey"))
            await ProblemAssert.IsProblem(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_key_validates_name_and_accepts_an_existing_tenant()
    {
        using var admin = Api.CreateAdminClient();
        using (var response = await admin.PostAsJsonAsync("/admin/keys", new { name = "" }))
            await ProblemAssert.IsValidation(response, "name");
        using (var response = await admin.PostAsJsonAsync("/admin/keys", new { name = "x", tenantId = "bad:tenant" }))
            await ProblemAssert.IsValidation(response, "tenantId");

        var first = await Api.CreateTenantAsync("first");
        var second = await Api.CreateTenantAsync("second", first.TenantId);
        Assert.Equal(first.TenantId, second.TenantId);
        using var a = Api.CreateClient(first.Key);
        using var b = Api.CreateClient(second.Key);
        using (var created = await a.PostAsync("/groups/shared", null))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var seen = await b.GetAsync("/groups/shared/vectors")) Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
    }

    [Fact]
    public async Task Health_alive_and_docs_need_no_key_and_openapi_has_bearer_scheme()
    {
        using var client = Api.CreateClient();
        using (var health = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var body = await health.Content.ReadAsStringAsync();
            Assert.Contains("redis", body, StringComparison.OrdinalIgnoreCase);
        }
        using (var alive = await client.GetAsync("/alive")) Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.Equal("bearer", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer")
            .GetProperty("scheme").GetString());
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/groups/{groupName}", "/groups/{groupName}/vectors/search", "/vectors/compare",
            "/admin/keys" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from OpenAPI");
        var metadata = doc.GetProperty("components").GetProperty("schemas").GetProperty("StoreVectorRequest")
            .GetProperty("properties").GetProperty("metadata");
        Assert.Contains("object", metadata.GetProperty("type").ToString());
        Assert.Contains("boolean", metadata.GetProperty("additionalProperties").GetProperty("type").ToString());
        var createGroup = paths.GetProperty("/groups/{groupName}").GetProperty("post");
        Assert.Equal("CreateGroup", createGroup.GetProperty("operationId").GetString());
        Assert.True(createGroup.GetProperty("responses").TryGetProperty("409", out _));
        // The additions beyond the original carry example answers.
        foreach (var path in new[] { "/faces/detect", "/groups/{groupName}/faces/identify" })
        {
            var ok = paths.GetProperty(path).GetProperty("post").GetProperty("responses").GetProperty("200");
            var example = ok.GetProperty("content").GetProperty("application/json").GetProperty("example");
            Assert.True(example.GetProperty("faces")[0].TryGetProperty("quality", out var quality), path);
            Assert.True(quality.GetProperty("score").GetDouble() > 0, path);
        }
        using (var scalar = await client.GetAsync("/scalar/v1")) Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems()
    {
        using var client = await Api.CreateTenantClientAsync();
        using (var response = await client.GetAsync("/no/such/route"))
            await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
        using (var response = await client.PutAsync("/groups", null))
            await ProblemAssert.IsProblem(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Placeholder_routes_are_authenticated()
    {
        using var anonymous = Api.CreateClient();
        using (var response = await anonymous.GetAsync("/jobs"))
            await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
        using (var response = await anonymous.PostAsync("/faces/compare", null))
            await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
    }
}
