using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FacePing.Tests.Reliability;

/// <summary>
/// The backup and restore procedure of docs/operations.md, step by step on a real Redis with the shipped
/// configuration: back up with <c>redis-cli --rdb</c> from the running server, wipe the data directory, restore the
/// snapshot (one start without the AOF to load it, <c>CONFIG SET appendonly yes</c> to write a fresh AOF from it), then
/// a normal start: every vector, the API key and the job answer as before.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Backup_wipe_and_restore_bring_back_every_vector_key_and_job()
    {
        using var redis = new RedisServer();
        await redis.StartAsync();
        var backupDir = Directory.CreateTempSubdirectory("faceping-backup-").FullName;
        try
        {
            var vectors = new Dictionary<string, string>();
            TenantKey key;
            string jobId;
            await using (var api = new ApiFactory(redis.ConnectionString))
            {
                key = await api.CreateTenantAsync("backup");
                using var client = api.CreateClient(key.Key);
                await ApiTestData.CreateGroup(client, "faces");
                var random = new Random(11);
                for (var i = 0; i < 60; i++)
                {
                    var vector = ApiTestData.RandomUnit(random, 16);
                    var id = await ApiTestData.StoreVector(client, "faces", vector, new { n = i });
                    vectors[id] = ApiTestData.Text(vector);
                }
                // No worker runs here, so the job stays queued and nothing is contacted.
                using var queued = await client.PostAsJsonAsync("/groups/faces/process-ftp-folder",
                    new { host = "ftp.invalid", username = "u", password = "p", folderPath = "/" });
                Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
                jobId = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
            }

            // Back up: a point-in-time RDB snapshot streamed from the running server.
            var backup = Path.Combine(backupDir, "faceping.rdb");
            var (code, cliOutput) = await RedisCluster.RunCliAsync(TimeSpan.FromSeconds(30),
                "-h", "127.0.0.1", "-p", redis.Port.ToString(), "--rdb", backup);
            Assert.True(code == 0, cliOutput);

            // Wipe: the server and every file it had.
            redis.Kill();
            foreach (var entry in Directory.EnumerateFileSystemEntries(redis.DataDir))
            {
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            await redis.StartAsync();
            Assert.Equal(0, await redis.Server.DatabaseSizeAsync());
            redis.Kill();

            // Restore: with appendonly yes Redis would start empty (it reads only the AOF), so load the snapshot once
            // without it, then have Redis write a fresh AOF from memory.
            foreach (var entry in Directory.EnumerateFileSystemEntries(redis.DataDir))
            {
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            File.Copy(backup, Path.Combine(redis.DataDir, "dump.rdb"));
            await redis.StartAsync(["--appendonly", "no"]);
            await redis.Server.ConfigSetAsync("appendonly", "yes");
            await RedisSentinelGroup.WaitUntilAsync(async () =>
            {
                var info = (await redis.Server.InfoAsync("persistence")).SelectMany(g => g)
                    .ToDictionary(kv => kv.Key, kv => kv.Value);
                return info["aof_enabled"] == "1" && info["aof_rewrite_in_progress"] == "0" &&
                       info["aof_rewrite_scheduled"] == "0" && info["aof_last_bgrewrite_status"] == "ok";
            }, TimeSpan.FromSeconds(30), "the restored AOF to be written");
            // From here on the shipped configuration, reading the new AOF (the snapshot is gone, so it must).
            redis.Kill();
            File.Delete(Path.Combine(redis.DataDir, "dump.rdb"));
            await redis.StartAsync();

            await using var restored = new ApiFactory(redis.ConnectionString);
            using var after = restored.CreateClient(key.Key);
            foreach (var (id, text) in vectors)
            {
                var stored = await ApiTestData.Json(await after.GetAsync($"/vectors/{id}"));
                Assert.Equal(text, stored.GetProperty("vectorString").GetString());
            }
            // The HNSW index came back too: each vector finds itself first.
            foreach (var (id, text) in vectors.Take(10))
            {
                var hits = await ApiTestData.Json(await after.PostAsJsonAsync("/groups/faces/vectors/search",
                    new { vectorString = text, topK = 1 }));
                Assert.Equal(id, hits[0].GetProperty("id").GetString());
            }
            var job = await ApiTestData.Json(await after.GetAsync($"/jobs/{jobId}"));
            Assert.Equal("queued", job.GetProperty("status").GetString());
            using var admin = restored.CreateAdminClient();
            var keys = await ApiTestData.Json(await admin.GetAsync("/admin/keys"));
            Assert.Contains(keys.EnumerateArray(), k => k.GetProperty("id").GetString() == key.Id);
            output.WriteLine($"restored {vectors.Count} vectors, key {key.Id} and job {jobId}");
        }
        finally
        {
            Directory.Delete(backupDir, recursive: true);
        }
    }
}
