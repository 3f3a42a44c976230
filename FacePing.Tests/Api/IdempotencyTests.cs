using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FacePing.Core.Idempotency;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.Api;

/// <summary>
/// <c>Idempotency-Key</c> on the creating endpoints: a retry with the same key and request returns the first answer
/// and creates nothing twice; the same key with another request is 422; a key whose first request is still running is
/// 409 with Retry-After; keys are per tenant, and the admin has a scope of its own.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(ApiFixture fixture)
{
    private ApiFactory Api => fixture.Factory;

    [Fact]
    public async Task A_retried_vector_is_stored_once_and_answered_as_the_first_time()
    {
        using var client = await Api.CreateTenantClientAsync("idem-vector");
        await CreateGroup(client, "g");
        var key = Guid.NewGuid().ToString();
        var first = await PostAsync(client, "/groups/g/vector", """{"vectorString":"1,2,3","metadata":{"n":7}}""",
            key);
        var second = await PostAsync(client, "/groups/g/vector", """{"vectorString":"1,2,3","metadata":{"n":7}}""",
            key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Location, second.Location);
        Assert.Null(first.Replayed);
        Assert.Equal("true", second.Replayed);
        Assert.Equal(1, await CountAsync(client));

        // The same key with another body is refused, and creates nothing.
        var other = await PostAsync(client, "/groups/g/vector", """{"vectorString":"3,2,1","metadata":{"n":7}}""",
            key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        var problem = JsonDocument.Parse(other.Body).RootElement;
        Assert.Equal("urn:faceping:problem:idempotency-key", problem.GetProperty("type").GetString());
        Assert.Equal(1, await CountAsync(client));
    }

    [Fact]
    public async Task Keys_are_per_tenant_and_the_admin_has_its_own()
    {
        var key = Guid.NewGuid().ToString();
        using var admin = Api.CreateAdminClient();
        var body = """{"name":"idem-admin"}""";
        var first = await PostAsync(admin, "/admin/keys", body, key);
        var again = await PostAsync(admin, "/admin/keys", body, key);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(first.Body, again.Body); // the same key id and secret, shown again to the one who asked
        Assert.Equal("true", again.Replayed);
        var id = JsonDocument.Parse(first.Body).RootElement.GetProperty("id").GetString();
        var keys = await Json(await admin.GetAsync("/admin/keys"));
        Assert.Single(keys.EnumerateArray(), k => k.GetProperty("id").GetString() == id);

        // Two tenants using the same key (and the same request) each get their own vector.
        using var a = await Api.CreateTenantClientAsync("idem-a");
        using var b = await Api.CreateTenantClientAsync("idem-b");
        await CreateGroup(a, "g");
        await CreateGroup(b, "g");
        var fromA = await PostAsync(a, "/groups/g/vector", """{"vectorString":"1,0"}""", key);
        var fromB = await PostAsync(b, "/groups/g/vector", """{"vectorString":"1,0"}""", key);
        Assert.Equal(HttpStatusCode.Created, fromB.Status);
        Assert.Null(fromB.Replayed);
        Assert.NotEqual(fromA.Body, fromB.Body);
    }

    [Fact]
    public async Task Upserts_without_ids_keep_their_generated_ids_on_a_retry()
    {
        using var client = await Api.CreateTenantClientAsync("idem-upsert");
        await CreateGroup(client, "u");
        var key = Guid.NewGuid().ToString();
        var body = """{"vectors":[{"vectorString":"1,0,0"},{"vectorString":"0,1,0"}]}""";
        var first = await PostAsync(client, "/groups/u/vectors/upsert", body, key);
        var second = await PostAsync(client, "/groups/u/vectors/upsert", body, key);
        Assert.True(first.Status is HttpStatusCode.OK or HttpStatusCode.Created, first.Body);
        Assert.Equal(first.Status, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(2, await VectorCountAsync(client, "u"));
    }

    [Fact]
    public async Task A_key_whose_first_request_is_running_is_409_with_retry_after()
    {
        var tenant = await Api.CreateTenantAsync("idem-inflight");
        using var client = Api.CreateClient(tenant.Key);
        await CreateGroup(client, "g");
        var key = Guid.NewGuid().ToString();
        var body = """{"vectorString":"1,2"}""";
        // What the first request does before running: reserve the key for its fingerprint.
        var store = Api.Services.GetRequiredService<IdempotencyStore>();
        var fingerprint = IdempotencyStore.Fingerprint("POST", "/groups/g/vector", "", Encoding.UTF8.GetBytes(body));
        Assert.Equal(IdempotencyOutcome.Reserved,
            (await store.ReserveAsync(tenant.TenantId, key, fingerprint, CancellationToken.None)).Outcome);

        var retry = await PostAsync(client, "/groups/g/vector", body, key);
        Assert.Equal(HttpStatusCode.Conflict, retry.Status);
        Assert.NotNull(retry.RetryAfter);
        Assert.Equal(0, await VectorCountAsync(client, "g"));
    }

    [Fact]
    public async Task Every_creating_operation_documents_the_header()
    {
        using var client = Api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var documented = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (!operation.Value.TryGetProperty("parameters", out var parameters)) continue;
                if (parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "Idempotency-Key" &&
                                                         p.GetProperty("in").GetString() == "header"))
                    documented.Add(operation.Value.GetProperty("operationId").GetString()!);
            }
        Assert.Equal(
            new[]
            {
                "ClusterGroup", "CreateKey", "ProcessDriveFolder", "ProcessFtpFolder", "StoreFace", "StoreFaceBase64",
                "StoreVector", "UpsertVectors",
            },
            documented.Order().ToArray());
    }

    private static async Task<int> CountAsync(HttpClient client) =>
        (await Json(await client.PostAsJsonAsync("/vectors/search", new { metadata = new { n = 7 } })))
        .GetArrayLength();

    private static async Task<long> VectorCountAsync(HttpClient client, string group) =>
        (await Json(await client.GetAsync("/groups"))).EnumerateArray()
        .Single(g => g.GetProperty("name").GetString() == group).GetProperty("vectorCount").GetInt64();

    private sealed record Answer(HttpStatusCode Status, string Body, string? Location, string? Replayed,
        TimeSpan? RetryAfter);

    private static async Task<Answer> PostAsync(HttpClient client, string path, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = RawJson(json) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(),
            response.Headers.Location?.ToString(),
            response.Headers.TryGetValues("Idempotent-Replayed", out var values) ? values.Single() : null,
            response.Headers.RetryAfter?.Delta);
    }
}
