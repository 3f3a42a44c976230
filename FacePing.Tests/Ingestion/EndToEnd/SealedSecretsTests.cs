using System.Text;
using FacePing.Core.Auth;
using FacePing.Core.Jobs;
using FacePing.Core.Secrets;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FacePing.Tests.Ingestion.EndToEnd;

/// <summary>
/// Secrets at rest (issue 20, item 6): while FTP and Drive jobs wait in Redis, and after a webhook secret is set, no
/// key or value in Redis holds an FTP password, a service-account private key or a webhook secret in clear; the worker
/// still unseals them (the jobs complete) and the callbacks still verify with the tenant's secret.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class SealedSecretsTests(IngestionFixture fx)
{
    [Fact]
    public async Task No_secret_is_readable_in_redis_while_jobs_wait_yet_the_worker_runs_them_and_signs_callbacks()
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        using var folder = new IngestFolder(withBadFiles: false);
        await using var ftp = await FtpTestServer.StartAsync(folder.Path, password: password);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("sealed");
        var client = api.CreateClient(key.Key);
        var webhookSecret = (await ApiTestDataJson(await client.PostAsync("/webhook-secret", null)))
            .GetProperty("webhookSecret").GetString()!;
        (await client.PostAsync("/groups/sealed", null)).EnsureSuccessStatusCode();
        await using var receiver = await CallbackReceiver.StartAsync(webhookSecret);
        var serviceAccountKey = fx.Drive.ServiceAccountKey();
        var privateKeyLine = serviceAccountKey.Split("\\n")[1];

        // No worker runs yet: both jobs wait in Redis with their credentials.
        var ftpJob = await JobPolling.SubmitAsync(client, "/groups/sealed/process-ftp-folder", new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password, folderPath = "/",
            callbackUrl = receiver.Url.ToString(),
        });
        var driveJob = await JobPolling.SubmitAsync(client, "/groups/sealed/process-drive-folder", new
        {
            folderId = IngestionFixture.DriveFolderId, serviceAccountKey, callbackUrl = receiver.Url.ToString(),
        });
        Assert.True(await redis.Db.KeyExistsAsync(JobKeys.Secret(key.TenantId, ftpJob)));
        Assert.True(await redis.Db.KeyExistsAsync(JobKeys.Secret(key.TenantId, driveJob)));

        var everything = await DumpAsync(redis);
        Assert.Contains(ftpJob, everything); // the dump does read the jobs
        Assert.DoesNotContain(password, everything);
        Assert.DoesNotContain(privateKeyLine, everything);
        Assert.DoesNotContain("PRIVATE KEY", everything);
        Assert.DoesNotContain(webhookSecret, everything);
        Assert.DoesNotContain(webhookSecret[WebhookSecrets.Prefix.Length..], everything);

        // The worker shares the Api's key ring: it unseals the credentials and the secret it signs with.
        await using var worker = await new IngestionFactory(redis.ConnectionString, fx.Inference,
            IngestionFixture.WorkerSettings(null, fx.Drive, null)).StartAsync();
        var ftpDone = await JobPolling.WaitForEndAsync(client, ftpJob, TimeSpan.FromSeconds(120));
        var driveDone = await JobPolling.WaitForEndAsync(client, driveJob, TimeSpan.FromSeconds(120));
        Assert.Equal("completed", ftpDone.GetProperty("status").GetString());
        Assert.Equal("completed", driveDone.GetProperty("status").GetString());
        Assert.Equal(3, ftpDone.GetProperty("successCount").GetInt32());
        // The receiver answers 401 to a signature that does not verify with the tenant's secret, so both arriving
        // means both were signed with it.
        await receiver.WaitAsync(TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (receiver.Deliveries.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(2, receiver.Deliveries.Count);

        var after = await DumpAsync(redis);
        Assert.DoesNotContain(webhookSecret[WebhookSecrets.Prefix.Length..], after);
    }

    [Fact]
    public async Task Secrets_an_older_version_stored_in_clear_are_still_read_and_the_webhook_secret_is_sealed()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var worker = await new IngestionFactory(redis.ConnectionString, fx.Inference,
            IngestionFixture.WorkerSettings(null, null, null)).StartAsync();
        var secrets = worker.Services.GetRequiredService<WebhookSecrets>();
        var jobs = worker.Services.GetRequiredService<JobStore>();
        const string clear = "whsec_b2xkZXItdmVyc2lvbi1zZWNyZXQtb2YtMzItYnl0ZXMhIQ==";
        await redis.Db.StringSetAsync("{t:legacy}:webhook-secret", clear);
        await redis.Db.StringSetAsync(JobKeys.Secret("legacy", "j1"), """{"ftpPassword":"old clear pw"}""");

        Assert.Equal(clear, await secrets.GetAsync("legacy"));
        var stored = (string)(await redis.Db.StringGetAsync("{t:legacy}:webhook-secret"))!;
        Assert.StartsWith(SecretSealer.Prefix, stored);
        Assert.DoesNotContain(clear[WebhookSecrets.Prefix.Length..], stored);
        Assert.Equal(clear, await secrets.GetAsync("legacy")); // and it opens sealed
        Assert.Equal("old clear pw", (await jobs.GetSecretAsync("legacy", "j1"))!.FtpPassword);
    }

    [Fact]
    public void A_sealed_value_does_not_open_under_another_tenant()
    {
        var sealer = new SecretSealer(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        var sealedValue = sealer.Seal("t1", "webhook-secret", "whsec_x");
        Assert.Equal("whsec_x", sealer.Unseal("t1", "webhook-secret", sealedValue, out var wasClear));
        Assert.False(wasClear);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(
            () => sealer.Unseal("t2", "webhook-secret", sealedValue, out _));
    }

    private static async Task<System.Text.Json.JsonElement> ApiTestDataJson(HttpResponseMessage response)
    {
        using (response)
        {
            response.EnsureSuccessStatusCode();
            return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
    }

    /// <summary>Every key and every value of every type in the Redis, as one text.</summary>
    private static async Task<string> DumpAsync(RedisServer redis)
    {
        var db = redis.Db;
        var server = db.Multiplexer.GetServers().Single();
        var text = new StringBuilder();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            text.Append(key).Append('\n');
            var type = await db.KeyTypeAsync(key);
            switch (type)
            {
                case RedisType.String:
                    text.Append(await db.StringGetAsync(key));
                    break;
                case RedisType.Hash:
                    foreach (var e in await db.HashGetAllAsync(key)) text.Append(e.Name).Append('=').Append(e.Value);
                    break;
                case RedisType.Set:
                    foreach (var m in await db.SetMembersAsync(key)) text.Append(m).Append(' ');
                    break;
                case RedisType.SortedSet:
                    foreach (var m in await db.SortedSetRangeByRankAsync(key)) text.Append(m).Append(' ');
                    break;
                case RedisType.List:
                    foreach (var m in await db.ListRangeAsync(key)) text.Append(m).Append(' ');
                    break;
                case RedisType.Stream:
                    foreach (var entry in await db.StreamRangeAsync(key))
                    {
                        foreach (var v in entry.Values) text.Append(v.Name).Append('=').Append(v.Value).Append(' ');
                    }
                    break;
                case RedisType.None:
                    // Gone between the scan and the read (a lease expired, the indexer drained a pending set while
                    // the worker runs): nothing left to hold a secret.
                    break;
                default:
                    // Vector sets and anything else: the raw serialisation still shows any clear text. A key can still
                    // go between the type and the dump, hence the null check.
                    if (await db.KeyDumpAsync(key) is { } dump) text.Append(Encoding.Latin1.GetString(dump));
                    break;
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
