using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FacePing.Core.Auth;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FacePing.Tests.Security;

/// <summary>
/// Tenant A owns a group with vectors. Tenant B tries every tenant route of the API on A's group and ids: each answers
/// exactly as for something that does not exist, and A's keys in Redis are byte-for-byte unchanged afterwards.
/// </summary>
public sealed class TenantIsolationTests(TenantIsolationTests.Fixture fixture)
    : IClassFixture<TenantIsolationTests.Fixture>
{
    public const string Group = "private-group";

    public sealed class Fixture : IAsyncLifetime
    {
        public RedisServer Redis { get; } = new();
        public ApiFactory Api { get; private set; } = null!;
        public TenantKey Owner { get; private set; } = null!;
        public TenantKey Intruder { get; private set; } = null!;
        public string VectorId { get; private set; } = "";
        public string OwnerVector { get; } = "0.25,-0.5,0.75,1";
        public string FtpJobId { get; private set; } = "";
        public string DriveJobId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await Redis.InitializeAsync();
            Api = new ApiFactory(Redis.ConnectionString);
            Owner = await Api.CreateTenantAsync("owner");
            Intruder = await Api.CreateTenantAsync("intruder");
            using var owner = Api.CreateClient(Owner.Key);
            await ApiTestData.CreateGroup(owner, Group);
            using var stored = await owner.PostAsync($"/groups/{Group}/vector",
                ApiTestData.RawJson("{\"vectorString\":\"" + OwnerVector +
                    "\",\"metadata\":{\"tag\":\"secret\",\"n\":1}}"));
            VectorId = (await ApiTestData.Json(stored, HttpStatusCode.Created)).GetProperty("id").GetString()!;
            using var more = await owner.PostAsync($"/groups/{Group}/vectors/upsert",
                ApiTestData.RawJson(
                    """{"vectors":[{"id":"fixed-id-1","vectorString":"1,0,0,0","metadata":{"tag":"secret"}}]}"""));
            Assert.Equal(HttpStatusCode.OK, more.StatusCode);
            // Jobs stay queued (no Ingestion worker here): their state is what the intruder must not reach.
            using var ftp = await owner.PostAsync($"/groups/{Group}/process-ftp-folder", ApiTestData.RawJson(FtpJob));
            FtpJobId = (await ApiTestData.Json(ftp, HttpStatusCode.Accepted)).GetProperty("jobId").GetString()!;
            using var drive = await owner.PostAsync($"/groups/{Group}/process-drive-folder",
                ApiTestData.RawJson(DriveJob()));
            DriveJobId = (await ApiTestData.Json(drive, HttpStatusCode.Accepted)).GetProperty("jobId").GetString()!;
            // The Api's indexer moves the owner's vectors into the graph (pending set and lease go): done before any
            // test compares snapshots of every key.
            await ApiTestData.WaitIndexerIdle(Redis.Db);
        }

        public async Task DisposeAsync()
        {
            try
            {
                await Api.DisposeAsync();
            }
            finally
            {
                await Redis.DisposeAsync();
            }
        }
    }

    public const string FtpJob =
        """{"host":"ftp.example.com","username":"owner","password":"owner-ftp-pass","folderPath":"/photos"}""";

    public static string DriveJob()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account", ["client_email"] = "owner@example.iam.gserviceaccount.com",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem() + "\n",
        });
        return JsonSerializer.Serialize(new { folderId = "1AbCdEfGhIjK", serviceAccountKey = key });
    }

    /// <summary>One attempt by the intruder: the request, and what a non-existent resource answers.</summary>
    public sealed record Attempt(string Route, Func<Fixture, HttpRequestMessage> Request, HttpStatusCode Expected,
        Func<JsonElement, Fixture, bool>? BodyIsClean = null)
    {
        public override string ToString() => Route;
    }

    private static HttpRequestMessage Req(HttpMethod method, string url, string? json = null,
        HttpContent? content = null) =>
        new(method, url)
        {
            Content = content ?? (json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"))
        };

    private static MultipartFormDataContent Image(string field)
    {
        // A real image is not needed: the group is checked before any image work, as it must be for a 404.
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), field, "a.jpg");
        return form;
    }

    private static bool NoOwnerData(JsonElement body, Fixture f) =>
        !body.GetRawText().Contains(f.VectorId, StringComparison.Ordinal)
        && !body.GetRawText().Contains(f.FtpJobId, StringComparison.Ordinal)
        && !body.GetRawText().Contains(f.DriveJobId, StringComparison.Ordinal)
        && !body.GetRawText().Contains("fixed-id-1", StringComparison.Ordinal)
        && !body.GetRawText().Contains("secret", StringComparison.Ordinal);

    /// <summary>Every tenant route of the API (the coverage test below checks the app has no other).</summary>
    public static readonly Attempt[] Attempts =
    [
        new("DELETE /groups/{groupName}", _ => Req(HttpMethod.Delete, $"/groups/{Group}"), HttpStatusCode.NotFound),
        new("GET /groups", _ => Req(HttpMethod.Get, "/groups"), HttpStatusCode.OK, NoOwnerData),
        new("GET /groups/{groupName}/vectors", _ => Req(HttpMethod.Get, $"/groups/{Group}/vectors"),
            HttpStatusCode.NotFound),
        new("GET /groups/{groupName}/vectors?after",
            _ => Req(HttpMethod.Get, $"/groups/{Group}/vectors?limit=10&after=a"), HttpStatusCode.NotFound),
        new("DELETE /groups/{groupName}/vectors",
            f => Req(HttpMethod.Delete, $"/groups/{Group}/vectors", $"""["{f.VectorId}","fixed-id-1"]"""),
            HttpStatusCode.NotFound),
        new("GET /vectors/{vectorId}", f => Req(HttpMethod.Get, $"/vectors/{f.VectorId}"), HttpStatusCode.NotFound),
        new("GET /vectors/{vectorId} (client id)", _ => Req(HttpMethod.Get, "/vectors/fixed-id-1"),
            HttpStatusCode.NotFound),
        new("POST /vectors/search?groupName",
            _ => Req(HttpMethod.Post, $"/vectors/search?groupName={Group}", """{"metadata":{"tag":"secret"}}"""),
            HttpStatusCode.NotFound),
        new("POST /vectors/search", _ => Req(HttpMethod.Post, "/vectors/search", """{"metadata":{"tag":"secret"}}"""),
            HttpStatusCode.OK, NoOwnerData),
        new("POST /vectors/search (no filter)", _ => Req(HttpMethod.Post, "/vectors/search", "{}"), HttpStatusCode.OK,
            NoOwnerData),
        new("POST /groups/{groupName}/vector",
            _ => Req(HttpMethod.Post, $"/groups/{Group}/vector", """{"vectorString":"9,9,9,9"}"""),
            HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/vectors/search", f => Req(HttpMethod.Post, $"/groups/{Group}/vectors/search",
            $$"""{"vectorString":"{{f.OwnerVector}}","topK":40}"""), HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/vectors/upsert", f => Req(HttpMethod.Post, $"/groups/{Group}/vectors/upsert",
            $$"""{"vectors":[{"id":"{{f.VectorId}}","vectorString":"9,9,9,9"},{"id":"fixed-id-1","vectorString":"9,9,9,9"}]}"""),
            HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/face",
            _ => Req(HttpMethod.Post, $"/groups/{Group}/face?metadata[tag]=x", content: Image("image")),
            HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/face/base64", _ => Req(HttpMethod.Post, $"/groups/{Group}/face/base64",
            """{"base64Image":"/9j/4AAQ","metadata":{"tag":"x"}}"""), HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/faces/search",
            _ => Req(HttpMethod.Post, $"/groups/{Group}/faces/search?topK=5", content: Image("queryImage")),
            HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/photos/search",
            _ => Req(HttpMethod.Post, $"/groups/{Group}/photos/search?limit=5", content: Image("queryImage")),
            HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/face (all)",
            _ => Req(HttpMethod.Post, $"/groups/{Group}/face?faces=all", content: Image("image")),
            HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/faces/identify",
            _ => Req(HttpMethod.Post, $"/groups/{Group}/faces/identify?topK=3", content: Image("image")),
            HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/process-ftp-folder",
            _ => Req(HttpMethod.Post, $"/groups/{Group}/process-ftp-folder", FtpJob), HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/process-drive-folder",
            _ => Req(HttpMethod.Post, $"/groups/{Group}/process-drive-folder", DriveJob()), HttpStatusCode.NotFound),
        new("GET /jobs/{jobId}", f => Req(HttpMethod.Get, $"/jobs/{f.FtpJobId}"), HttpStatusCode.NotFound),
        new("GET /jobs/{jobId} (drive)", f => Req(HttpMethod.Get, $"/jobs/{f.DriveJobId}"), HttpStatusCode.NotFound),
        new("GET /jobs/{jobId}/clusters", f => Req(HttpMethod.Get, $"/jobs/{f.FtpJobId}/clusters"),
            HttpStatusCode.NotFound),
        new("POST /groups/{groupName}/cluster", _ => Req(HttpMethod.Post, $"/groups/{Group}/cluster",
            """{"minClusterSize":2,"writeMetadataKey":"person"}"""), HttpStatusCode.NotFound),
        new("GET /jobs", _ => Req(HttpMethod.Get, "/jobs"), HttpStatusCode.OK, NoOwnerData),
        new("GET /jobs?limit", _ => Req(HttpMethod.Get, "/jobs?limit=1000"), HttpStatusCode.OK, NoOwnerData),
        new("GET /admin/keys", _ => Req(HttpMethod.Get, "/admin/keys"), HttpStatusCode.Forbidden),
        new("POST /admin/keys",
            f => Req(HttpMethod.Post, "/admin/keys", $$"""{"name":"steal","tenantId":"{{f.Owner.TenantId}}"}"""),
            HttpStatusCode.Forbidden),
        new("DELETE /admin/keys/{id}", f => Req(HttpMethod.Delete, $"/admin/keys/{f.Owner.Id}"),
            HttpStatusCode.Forbidden),
        new("POST /admin/keys/{id}/webhook-secret",
            f => Req(HttpMethod.Post, $"/admin/keys/{f.Owner.Id}/webhook-secret"), HttpStatusCode.Forbidden),
    ];

    /// <summary>Routes that hold no tenant data (they compute on the request alone).</summary>
    private static readonly string[] Stateless =
        ["POST /faces/compare", "POST /faces/detect", "POST /vector/generate", "POST /vectors/compare"];

    /// <summary>
    /// Routes that write only the caller's own state: a group of the owner's name, a new webhook secret. The facts
    /// below show the owner's keys stay unchanged.
    /// </summary>
    private static readonly string[] CoveredByOwnCopies = ["POST /groups/{groupName}", "POST /webhook-secret"];

    public static TheoryData<string> AttemptNames => new(Attempts.Select(a => a.Route));

    [Theory]
    [MemberData(nameof(AttemptNames))]
    public async Task Intruder_gets_not_found_and_changes_nothing(string route)
    {
        var attempt = Attempts.Single(a => a.Route == route);
        var before = await AllKeys();
        Assert.NotEmpty(before);

        using var intruder = fixture.Api.CreateClient(fixture.Intruder.Key);
        using var request = attempt.Request(fixture);
        using var response = await intruder.SendAsync(request);
        if (attempt.Expected == HttpStatusCode.OK)
        {
            var body = await ApiTestData.Json(response);
            Assert.True(attempt.BodyIsClean!(body, fixture), $"{route} leaked the owner's data: {body}");
        }
        else
        {
            var problem = await ProblemAssert.IsProblem(response, attempt.Expected);
            Assert.DoesNotContain(fixture.Owner.TenantId, problem.GetRawText());
        }

        Assert.Empty(RedisSnapshot.Diff(before, await AllKeys()));
        await OwnerStillSeesEverything();
    }

    [Fact]
    public async Task Intruder_creating_the_same_names_gets_its_own_copies()
    {
        var before = await OwnerKeys();
        using var intruder = fixture.Api.CreateClient(fixture.Intruder.Key);
        using (var created = await intruder.PostAsync($"/groups/{Group}", null))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        try
        {
            using (var upsert = await intruder.PostAsync($"/groups/{Group}/vectors/upsert", ApiTestData.RawJson(
                       $$"""{"vectors":[{"id":"{{fixture.VectorId}}","vectorString":"9,9,9,9"},"""
                       + """{"id":"fixed-id-1","vectorString":"8,8,8,8"}]}""")))
                Assert.Equal(HttpStatusCode.OK, upsert.StatusCode);
            using (var own = await intruder.GetAsync("/vectors/fixed-id-1"))
                Assert.Equal("8,8,8,8", (await ApiTestData.Json(own)).GetProperty("vectorString").GetString());
            using (var search = await intruder.PostAsync($"/groups/{Group}/vectors/search",
                       ApiTestData.RawJson("""{"vectorString":"1,0,0,0","topK":40}""")))
                Assert.Equal(2, (await ApiTestData.Json(search)).GetArrayLength());

            Assert.Empty(RedisSnapshot.Diff(before, await OwnerKeys()));
            await OwnerStillSeesEverything();
        }
        finally
        {
            using var deleted = await intruder.DeleteAsync($"/groups/{Group}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        Assert.Empty(RedisSnapshot.Diff(before, await OwnerKeys()));
        await OwnerStillSeesEverything();
    }

    [Fact]
    public async Task Intruder_rotating_its_webhook_secret_changes_only_its_own()
    {
        var before = await OwnerKeys();
        var all = await AllKeys();
        using var intruder = fixture.Api.CreateClient(fixture.Intruder.Key);
        using var rotated = await intruder.PostAsync("/webhook-secret", null);
        var body = await ApiTestData.Json(rotated);
        Assert.StartsWith("whsec_", body.GetProperty("webhookSecret").GetString());
        Assert.Equal(fixture.Intruder.TenantId, body.GetProperty("tenantId").GetString());

        Assert.Empty(RedisSnapshot.Diff(before, await OwnerKeys()));
        // The rotation did write: the intruder's own secret key changed, so the comparison above is not vacuous.
        Assert.NotEmpty(RedisSnapshot.Diff(all, await AllKeys()));
        await OwnerStillSeesEverything();
    }

    [Fact]
    public void Every_tenant_route_of_the_app_is_attempted()
    {
        var sources = fixture.Api.Services.GetRequiredService<EndpointDataSource>();
        var tenantRoutes = sources.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .Any(a => a.Policy is FacePingPolicies.Tenant or FacePingPolicies.Admin))
            .SelectMany(e =>
                (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/').TrimEnd('/')}"))
            .ToHashSet();
        var attempted = Attempts.Select(a => a.Route.Split(' ', 3) is var p ? $"{p[0]} {p[1].Split('?')[0]}" : "")
            .ToHashSet();
        var missing = tenantRoutes.Except(attempted).Except(Stateless).Except(CoveredByOwnCopies).ToList();
        Assert.True(missing.Count == 0, "routes without an isolation attempt: " + string.Join("; ", missing));
        Assert.True(tenantRoutes.Count >= 23,
            $"found only {tenantRoutes.Count} routes: {string.Join("; ", tenantRoutes)}");
    }

    private Task<SortedDictionary<string, string>> AllKeys() =>
        RedisSnapshot.TakeAsync(fixture.Redis.Server, fixture.Redis.Db, "*");

    private Task<SortedDictionary<string, string>> OwnerKeys() =>
        RedisSnapshot.TakeAsync(fixture.Redis.Server, fixture.Redis.Db, $"{{t:{fixture.Owner.TenantId}}}*");

    private async Task OwnerStillSeesEverything()
    {
        using var owner = fixture.Api.CreateClient(fixture.Owner.Key);
        var ids = await owner.GetFromJsonAsync<string[]>($"/groups/{Group}/vectors");
        Assert.Equal(new[] { fixture.VectorId, "fixed-id-1" }.Order(StringComparer.Ordinal), ids);
        var vector = await owner.GetFromJsonAsync<JsonElement>($"/vectors/{fixture.VectorId}");
        Assert.Equal(fixture.OwnerVector, vector.GetProperty("vectorString").GetString());
        Assert.Equal("secret", vector.GetProperty("metadata").GetProperty("tag").GetString());
        var jobs = await owner.GetFromJsonAsync<JsonElement>("/jobs");
        Assert.Equal(new[] { fixture.DriveJobId, fixture.FtpJobId }.Order(),
            jobs.EnumerateArray().Select(j => j.GetProperty("jobId").GetString()).Order());
    }
}
