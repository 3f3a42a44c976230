using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FacePing.Core.Auth;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FacePing.Tests.Security;

/// <summary>
/// API keys exist in Redis only as SHA-256, never appear in logs, and only the admin key manages them.
/// </summary>
public sealed class SecretsTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly LogCapture _logs = new();
    private ApiFactory _factory = null!;
    private WebApplicationFactory<FacePing.Api.ApiEntryPoint> _api = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _factory = new ApiFactory(_redis.ConnectionString);
        _api = _factory.WithWebHostBuilder(b =>
        {
            // Everything, down to Trace, from every category: a secret in any log line is found.
            b.UseSetting("Logging:LogLevel:Default", "Trace");
            b.UseSetting("Logging:LogLevel:Microsoft", "Trace");
            b.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
            b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace)));
        });
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _api.DisposeAsync();
            await _factory.DisposeAsync();
        }
        finally
        {
            await _redis.DisposeAsync();
        }
    }

    private HttpClient Client(string? key)
    {
        var client = _api.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Keys_are_stored_hashed_and_never_logged()
    {
        using var admin = Client(ApiFactory.AdminKey);
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var created = await admin.PostAsJsonAsync("/admin/keys", new { name = $"tenant {i}" });
            keys.Add((await ApiTestData.Json(created, HttpStatusCode.Created)).GetProperty("key").GetString()!);
        }
        // Use the keys: successful calls, failing calls, a revoked key, a wrong key that is close to a real one.
        using (var tenant = Client(keys[0]))
        {
            await ApiTestData.CreateGroup(tenant, "g");
            using var stored = await tenant.PostAsync("/groups/g/vector",
                ApiTestData.RawJson("""{"vectorString":"1,2"}"""));
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
            using var bad = await tenant.PostAsync("/groups/g/vector", ApiTestData.RawJson("""{"vectorString":"x"""));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            using var onAdmin = await tenant.GetAsync("/admin/keys");
            Assert.Equal(HttpStatusCode.Forbidden, onAdmin.StatusCode);
        }
        using (var listed = await admin.GetAsync("/admin/keys"))
        {
            var body = await listed.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
            Assert.All(keys, k => Assert.DoesNotContain(k, body));
            Assert.All(keys, k => Assert.DoesNotContain(ApiKeyStore.Hash(k), body));
        }
        var keyId = (await admin.GetFromJsonAsync<KeyRow[]>("/admin/keys"))![2].Id;
        using (var revoked = await admin.DeleteAsync($"/admin/keys/{keyId}"))
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using (var usesRevoked = Client(keys[2]))
        using (var answer = await usesRevoked.GetAsync("/groups"))
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        using (var nearMiss = Client(keys[1][..^1] + (keys[1][^1] == 'A' ? 'B' : 'A')))
        using (var answer = await nearMiss.GetAsync("/groups"))
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);

        // Redis: every key name and every value, by type; the hashes must be there (or the check proves nothing).
        var everything = await DumpRedis();
        foreach (var key in keys)
        {
            Assert.DoesNotContain(key, everything);
            Assert.DoesNotContain(key["fp_".Length..], everything); // not even without its prefix
        }
        Assert.DoesNotContain(ApiFactory.AdminKey, everything);
        Assert.Contains(ApiKeyStore.Hash(keys[0]), everything);

        var logs = _logs.All;
        Assert.True(_logs.Lines.Count > 20, $"only {_logs.Lines.Count} log lines captured: the capture does not work");
        foreach (var key in keys.Append(ApiFactory.AdminKey))
            Assert.DoesNotContain(key[4..], logs);
    }

    [Fact]
    public async Task Only_the_admin_key_manages_keys()
    {
        using var admin = Client(ApiFactory.AdminKey);
        using var created = await admin.PostAsJsonAsync("/admin/keys", new { name = "t" });
        var tenantKey = (await ApiTestData.Json(created, HttpStatusCode.Created)).GetProperty("key").GetString()!;

        foreach (var (key, status) in new[] { (tenantKey, HttpStatusCode.Forbidden), (null,
            HttpStatusCode.Unauthorized),
                     ("fp_not-a-key", HttpStatusCode.Unauthorized),
                     (ApiFactory.AdminKey + "x", HttpStatusCode.Unauthorized) })
        {
            using var client = Client(key);
            using (var list = await client.GetAsync("/admin/keys")) await ProblemAssert.IsProblem(list, status);
            using (var create = await client.PostAsJsonAsync("/admin/keys", new { name = "x" }))
                await ProblemAssert.IsProblem(create, status);
            using (var revoke = await client.DeleteAsync("/admin/keys/anything"))
                await ProblemAssert.IsProblem(revoke, status);
        }
        Assert.Single(await admin.GetFromJsonAsync<KeyRow[]>("/admin/keys") ?? []);
    }

    [Fact]
    public async Task Job_credentials_are_never_returned_or_logged()
    {
        using var admin = Client(ApiFactory.AdminKey);
        using var created = await admin.PostAsJsonAsync("/admin/keys", new { name = "jobs" });
        using var tenant = Client((await ApiTestData.Json(created, HttpStatusCode.Created))
            .GetProperty("key").GetString()!);
        await ApiTestData.CreateGroup(tenant, "imports");

        const string password = "Ftp-Secret-Pa55word-7c1e";
        var drive = JsonDocument.Parse(TenantIsolationTests.DriveJob()).RootElement;
        var serviceAccountKey = drive.GetProperty("serviceAccountKey").GetString()!;
        var privateKey = JsonDocument.Parse(serviceAccountKey).RootElement.GetProperty("private_key").GetString()!;
        var keyBody = privateKey.Split('\n')[1]; // a line of the PEM body: any copy of the key would contain it

        var answers = new StringBuilder();
        async Task<string> Send(string path, object body, HttpStatusCode expected)
        {
            using var response = await tenant.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            answers.AppendLine(text);
            Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
            return text;
        }
        var ftpJob = JsonDocument.Parse(await Send("/groups/imports/process-ftp-folder",
            new { host = "ftp://ftp.example.com", username = "user%24name", password, folderPath = "/in" },
            HttpStatusCode.Accepted))
            .RootElement.GetProperty("jobId").GetString();
        var driveJob = JsonDocument.Parse(await Send("/groups/imports/process-drive-folder",
            new { folderId = "1AbCdEfGhIjK", serviceAccountKey }, HttpStatusCode.Accepted))
                .RootElement.GetProperty("jobId").GetString();
        // Rejected submissions must not echo the secret either.
        await Send("/groups/imports/process-ftp-folder",
            new
            {
                host = "bad host!", username = "u", password, folderPath = "/in", callbackUrl = "file:///etc/passwd"
            },
            HttpStatusCode.BadRequest);
        await Send("/groups/imports/process-drive-folder",
            new { folderId = "1AbCdEfGhIjK", serviceAccountKey = serviceAccountKey.Replace("service_account", "user") },
            HttpStatusCode.BadRequest);
        await Send("/groups/missing/process-ftp-folder",
            new { host = "ftp.example.com", username = "u", password, folderPath = "/" }, HttpStatusCode.NotFound);

        answers.AppendLine(await tenant.GetStringAsync($"/jobs/{ftpJob}"));
        answers.AppendLine(await tenant.GetStringAsync($"/jobs/{driveJob}"));
        answers.AppendLine(await tenant.GetStringAsync("/jobs"));
        var returned = answers.ToString();
        Assert.Contains(ftpJob!, returned);
        Assert.DoesNotContain(password, returned);
        Assert.DoesNotContain(keyBody, returned);
        Assert.DoesNotContain("private_key", returned);

        var logs = _logs.All;
        Assert.True(_logs.Lines.Count > 20, $"only {_logs.Lines.Count} log lines captured");
        Assert.DoesNotContain(password, logs);
        Assert.DoesNotContain(keyBody, logs);
        Assert.DoesNotContain("PRIVATE KEY", logs);
    }

    private sealed record KeyRow(string Id, string Name, string TenantId, bool Revoked);

    /// <summary>
    /// All key names and all values (hash fields, set/zset members, strings, lists, vector-set elements and
    /// attributes).
    /// </summary>
    private async Task<string> DumpRedis()
    {
        var db = _redis.Db;
        var text = new StringBuilder();
        await foreach (var key in _redis.Server.KeysAsync(pattern: "*", pageSize: 1000))
        {
            text.Append(key).Append('\n');
            var type = (string?)await db.ExecuteAsync("TYPE", key) ?? "";
            switch (type)
            {
                case "string": text.Append(await db.StringGetAsync(key)); break;
                case "hash":
                    foreach (var e in await db.HashGetAllAsync(key))
                        text.Append(e.Name).Append('=').Append(Latin1(e.Value)).Append('\n');
                    break;
                case "set": foreach (var m in await db.SetMembersAsync(key)) text.Append(m).Append('\n'); break;
                case "zset":
                    foreach (var m in await db.SortedSetRangeByRankAsync(key)) text.Append(m)
                    .Append('\n'); break;
                case "list": foreach (var m in await db.ListRangeAsync(key)) text.Append(m).Append('\n'); break;
                case "stream":
                    foreach (var entry in await db.StreamRangeAsync(key))
                        foreach (var v in entry.Values) text.Append(v.Name).Append('=').Append(v.Value).Append('\n');
                    break;
                case "vectorset":
                    var members = (RedisResult[]?)await db.ExecuteAsync("VRANDMEMBER", key, 100000) ?? [];
                    foreach (var m in members)
                        text.Append(m).Append(' ')
                            .Append(await db.ExecuteAsync("VGETATTR", key, (RedisValue)m.ToString())).Append('\n');
                    break;
                default: text.Append("unknown type ").Append(type).Append('\n'); break;
            }
        }
        return text.ToString();
    }

    private static string Latin1(RedisValue value) => value.IsNull ? "" : Encoding.Latin1.GetString((byte[])value!);
}
