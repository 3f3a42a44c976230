using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace FacePing.Tests.Security;

/// <summary>
/// Thousands of generated malformed requests against every non-image endpoint, from a fixed seed. For each: an answer
/// within the per-request timeout, never a 5xx, every error a problem+json whose status matches, and a rejected request
/// leaves Redis exactly as it was (key count, the fuzzed group's hash, ids and index size).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const int Seed = 20261125;
    private const int Requests = 5000;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    private readonly RedisServer _redis = new();
    private ApiFactory _api = null!;
    private TenantKey _tenant = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _api = new ApiFactory(_redis.ConnectionString, new Dictionary<string, string?>
        {
            ["FacePing:RateLimit:Enabled"] = "false", // thousands of requests a second are the point here
            // The fingerprint compares Redis before and after each request: no graph built behind in between.
            ["FacePing:Store:IndexerEnabled"] = "false",
        });
        _tenant = await _api.CreateTenantAsync("fuzz");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _api.DisposeAsync();
        }
        finally
        {
            await _redis.DisposeAsync(); // even when the host failed to start or stop
        }
    }

    private sealed record Endpoint(HttpMethod Method, Func<FuzzInputs, string> Path, Func<FuzzInputs, byte[]>? Body,
        bool Admin = false);

    private static string VectorBody(FuzzInputs f) => "{" + string.Join(",", new[]
    {
        f.Chance(0.9) ? "\"vectorString\":" + (f.Chance(0.8) ? f.JsonString(f.VectorString()) : f.Value(1)) : null,
        f.Chance(0.5) ? "\"metadata\":" + (f.Chance(0.8) ? f.Metadata(1) : f.Value(1)) : null,
        f.Chance(0.5) ? "\"topK\":" + (f.Chance(0.7)
            ? f.Pick(["0", "1", "40", "41", "-5", "1e3", "2147483648", "\"10\"", "null", "1.5"])
            : f.Value(1)) : null,
    }.Where(p => p is not null)) + "}";

    private static string UpsertBody(FuzzInputs f) => "{\"vectors\":" + (f.Chance(0.85)
        ? "[" + string.Join(",", Enumerable.Range(0, f.Chance(0.05) ? 101 : f.Next(4))
            .Select(_ => f.Chance(0.1) ? "null" : VectorBody(f)
                .Insert(1, f.Chance(0.5) ? "\"id\":" + f.JsonString(f.Id()) + "," : ""))) + "]"
        : f.Value(1)) + "}";

    private static string Field(FuzzInputs f, string name, string[] values) =>
        f.Chance(0.8) ? f.JsonString(name) + ":" + (f.Chance(0.8) ? f.JsonString(f.Pick(values)) : f.Value(1)) : "";

    // Callback hosts are IP literals or localhost only: the guard resolves names, and the fuzz must not depend on DNS.
    private static readonly string[] Callbacks = ["http://127.0.0.1:1/hook", "http://169.254.169.254/latest",
        "file:///etc/passwd", "javascript:alert(1)", "http://[::1]/", "https://10.0.0.1/x", "ftp://127.0.0.1/",
        "http://localhost/", "", "http://0x7f000001/"];

    private static readonly string[] Emails = ["a@b.co", "not-an-email", "", "a@b", "\"q\"@x.io",
        new string('a', 300) + "@x.io"];

    private static string JobBody(FuzzInputs f, bool ftp) => "{" + string.Join(",", (ftp
        ? new[]
        {
            Field(f, "host", ["ftp.example.com", "ftp://ftp.example.com", "ftp://127.0.0.1:2121/x", "", "a b", "[::1]",
                "10.0.0.1", new string('h', 300), "ftps://x.io", "x.io:99999"]),
            Field(f, "username", ["u", "user%24name", "%ZZ", "", new string('u', 2000), "a\r\nUSER root"]),
            Field(f, "password", ["p", "", "p\r\nDELE x", new string('p', 5000)]),
            Field(f, "folderPath", ["/", "/photos", "../..", "", "a\u0000b", new string('/', 2000)]),
            f.Chance(0.5) ? "\"port\":" + f.Pick(["21", "0", "-1", "65536", "\"21\"", "1e9", "null"]) : "",
        }
        : new[]
        {
            Field(f, "folderId", ["1AbCdEfGhIjK", "", "x' or name contains 'y", new string('f', 500), "a/b"]),
            Field(f, "serviceAccountKey", ["{}", "{\"type\":\"service_account\"}", "not json", "[]",
                "{\"type\":\"service_account\",\"client_email\":\"a@b.c\"," +
                "\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nx\\n-----END PRIVATE KEY-----\"}"]),
        }).Concat(new[] { Field(f, "callbackUrl", Callbacks), Field(f, "notificationEmailAddress", Emails) })
            .Where(p => p.Length > 0)) + "}";

    private static readonly Endpoint[] Endpoints =
    [
        new(HttpMethod.Post, f => $"/groups/{f.Group()}/process-ftp-folder", f => f.Body(() => JobBody(f, ftp: true))),
        new(HttpMethod.Post, f => $"/groups/{f.Group()}/process-drive-folder",
            f => f.Body(() => JobBody(f, ftp: false))),
        new(HttpMethod.Get, f => "/jobs" + f.Query().Replace("topK", "limit"), null),
        new(HttpMethod.Get, f =>
            $"/jobs/{f.Pick(["0123456789abcdef0123456789abcdef", f.Id(), "ABCDEF0123456789ABCDEF0123456789"])}", null),
        new(HttpMethod.Post, f => $"/groups/{f.Group()}", null),
        new(HttpMethod.Delete, f => $"/groups/{f.Group()}", null),
        new(HttpMethod.Get, f => "/groups" + f.Query(), null),
        new(HttpMethod.Get, f => $"/groups/{f.Group()}/vectors{f.Query()}", null),
        new(HttpMethod.Delete, f => $"/groups/{f.Group()}/vectors", f => f.Body(() => f.Chance(0.7)
            ? "[" + string.Join(",", Enumerable.Range(0, f.Chance(0.05) ? 1001 : f.Next(4))
                .Select(_ => f.Chance(0.8) ? f.JsonString(f.Id()) : f.Value(2))) + "]"
            : f.Value(0))),
        new(HttpMethod.Get, f => $"/vectors/{f.Id()}", null),
        new(HttpMethod.Post, _ => "/vectors/compare", f => f.Body(() =>
            $"{{\"embedding1\":{(f.Chance(0.8) ? f.JsonString(f.VectorString()) : f.Value(1))}," +
            $"\"embedding2\":{(f.Chance(0.8) ? f.JsonString(f.VectorString()) : f.Value(1))}}}")),
        new(HttpMethod.Post, f => "/vectors/search" + f.Query(),
            f => f.Body(() => f.Chance(0.8) ? $"{{\"metadata\":{f.Metadata(1)}}}" : f.Value(0))),
        new(HttpMethod.Post, f => $"/groups/{f.Group()}/vector{f.Query()}", f => f.Body(() => VectorBody(f))),
        new(HttpMethod.Post, f => $"/groups/{f.Group()}/vectors/search{f.Query()}", f => f.Body(() => VectorBody(f))),
        new(HttpMethod.Post, f => $"/groups/{f.Group()}/vectors/upsert", f => f.Body(() => UpsertBody(f))),
        new(HttpMethod.Post, _ => "/admin/keys", f => f.Body(() =>
            $"{{\"name\":{(f.Chance(0.5) ? f.JsonString(f.RandomText(f.Next(250))) : f.Value(1))}," +
            $"\"tenantId\":{f.Value(1)}}}"), Admin: true),
        new(HttpMethod.Get, _ => "/admin/keys", null, Admin: true),
        new(HttpMethod.Delete, f => $"/admin/keys/{f.Id()}", null, Admin: true),
    ];

    [Fact]
    public async Task Malformed_requests_never_500_hang_or_store_anything()
    {
        using var tenant = _api.CreateClient(_tenant.Key);
        using var admin = _api.CreateAdminClient();
        await ApiTestData.CreateGroup(tenant, "fuzz");
        using (var seed = await tenant.PostAsync("/groups/fuzz/vectors/upsert",
                   ApiTestData.RawJson(
                       """{"vectors":[{"id":"fixed-1","vectorString":"1,0,0,0","metadata":{"tag":"v"}}]}""")))
            Assert.Equal(HttpStatusCode.OK, seed.StatusCode);

        var f = new FuzzInputs(new Random(Seed));
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var watch = Stopwatch.StartNew();
        var sent = 0;
        for (; sent < Requests && watch.Elapsed < Budget; sent++)
        {
            var endpoint = f.Pick(Endpoints);
            var path = endpoint.Path(f);
            using var request = new HttpRequestMessage(endpoint.Method, path);
            var sentBody = endpoint.Body?.Invoke(f) ?? [];
            if (endpoint.Body is not null)
            {
                request.Content = new ByteArrayContent(sentBody);
                if (f.ContentType() is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            var before = await Fingerprint();
            using var timeout = new CancellationTokenSource(PerRequest);
            HttpResponseMessage response;
            try
            {
                response = await (endpoint.Admin ? admin : tenant).SendAsync(request, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                failures.Add($"#{sent} {endpoint.Method} {path}: no answer within {PerRequest.TotalSeconds} s");
                continue;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync();
                var what = $"#{sent} {endpoint.Method} {Shorten(path)} {request.Content?.Headers.ContentType} " +
                    $"[{Shorten(Encoding.UTF8.GetString(sentBody))}]";
                if (status >= 500) failures.Add($"{what}: {status} {Shorten(body)}");
                if (status >= 400 && ProblemError(response, body) is { } problem)
                    failures.Add($"{what}: {status} {problem}");
                if (status >= 400 && await Fingerprint() is var after && after != before)
                    failures.Add($"{what}: rejected with {status} but Redis changed: {before} -> {after}");
                if (status < 300 && endpoint.Method == HttpMethod.Delete && path == "/groups/fuzz")
                    await ApiTestData.CreateGroup(tenant, "fuzz"); // keep a group to aim at
            }
        }
        output.WriteLine($"{sent} requests in {watch.Elapsed.TotalSeconds:F1} s (seed {Seed}); statuses: " +
                         string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        foreach (var failure in failures.Take(50)) output.WriteLine(failure);
        Assert.True(sent >= 1000, $"only {sent} requests in the time budget");
        Assert.True(failures.Count == 0, $"{failures.Count} failures, first: {failures.FirstOrDefault()}");
        Assert.True(statuses.Keys.Any(s => s is >= 200 and < 300) && statuses.Keys.Count(s => s >= 400) >= 3,
            "the fuzzer should hit both accepted and several kinds of rejected requests");
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + $"…({text.Length})";

    /// <summary>Null when the answer is a well-formed problem+json with the response's status.</summary>
    internal static string? ProblemError(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"content type {response.Content.Headers.ContentType} ({Shorten(body)})";
        try
        {
            var json = JsonDocument.Parse(body).RootElement;
            if (!json.TryGetProperty("status", out var s) || s.GetInt32() != (int)response.StatusCode)
                return "status field differs: " + Shorten(body);
            if (!json.TryGetProperty("title", out _) || !json.TryGetProperty("type", out _))
                return "no title/type: " + Shorten(body);
            if (body.Contains("   at ", StringComparison.Ordinal)
                || body.Contains("Exception", StringComparison.Ordinal))
                return "internals leaked: " + Shorten(body);
            return null;
        }
        catch (JsonException)
        {
            return "body is not JSON: " + Shorten(body);
        }
    }

    private async Task<string> Fingerprint()
    {
        var db = _redis.Db;
        var prefix = $"{{t:{_tenant.TenantId}}}:g:fuzz";
        var size = await _redis.Server.DatabaseSizeAsync();
        var group = await db.HashGetAllAsync(prefix);
        var ids = await db.SortedSetLengthAsync(prefix + ":ids");
        var index = await db.KeyExistsAsync(prefix + ":vs")
            ? (long)await db.ExecuteAsync("VCARD", (RedisKey)(prefix + ":vs"))
            : 0;
        var fixedVector = await db.HashGetAsync($"{{t:{_tenant.TenantId}}}:v:fixed-1", "vec");
        return $"keys={size} group=[{string.Join(";", group.Select(e => $"{e.Name}={e.Value}"))}] " +
            $"ids={ids} index={index} " +
            $"fixed={Convert.ToHexString((byte[]?)fixedVector ?? [])[..Math.Min(16,
                ((byte[]?)fixedVector ?? []).Length * 2)]}";
    }
}
