using System.Diagnostics;
using FacePing.Core.Jobs;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.EndToEnd;
using FacePing.Tests.Ingestion.Fakes;
using Xunit.Abstractions;

namespace FacePing.Tests.Reliability;

/// <summary>
/// The Ingestion worker on a Sentinel connection string, its primary SIGKILLed in the middle of an FTP import: the
/// worker follows the promoted replica and resumes the job itself within seconds (not after ClaimMinIdle), and the job
/// ends with every photo stored exactly once. Writes are acknowledged under Durability=replica, as in an HA deployment.
/// A Redis that stops answering (frozen) times the worker's reads and writes out: the worker keeps running and resumes
/// the job once Redis answers again.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class IngestionFailoverTests(IngestionFixture fx, ITestOutputHelper output)
{
    [Fact]
    public async Task Primary_killed_mid_import_the_worker_follows_sentinel_and_finishes_the_job_itself()
    {
        await using var ha = new TwoReplicaSentinelApi();
        await ha.InitializeAsync();
        using var folder = new IngestFolder(withBadFiles: false);
        var names = folder.AddFaceCopies(5);
        await using var ftp = await FtpTestServer.StartAsync(folder.Path);
        var key = await ha.Api.CreateTenantAsync("import-failover");
        using var client = ha.Api.CreateClient(key.Key);
        (await client.PostAsync("/groups/people", null)).EnsureSuccessStatusCode();

        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings["FacePing:Ingestion:Concurrency"] = "1";
        settings["FacePing:Ingestion:ClaimMinIdle"] = "00:05:00"; // a hand-back could not finish within the test
        settings["FacePing:Store:Durability"] = "replica";
        settings["FacePing:Store:DurabilityTimeoutMilliseconds"] = "1000";
        await using var worker = await new IngestionFactory(ha.ConnectionString, fx.Inference, settings,
            () => new SlowInference(TimeSpan.FromMilliseconds(300))).StartAsync();

        var jobId = await JobPolling.SubmitAsync(client, "/groups/people/process-ftp-folder", new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/",
        });
        await JobPolling.WaitUntilAsync(client, jobId, job => job.GetProperty("processed").GetInt32() >= 3,
            TimeSpan.FromSeconds(60));
        var old = await ha.PrimaryAsync();
        var watch = Stopwatch.StartNew();
        old.Kill();
        var promoted = await ha.WaitForNewPrimaryAsync(old, TimeSpan.FromSeconds(30));
        output.WriteLine($"new primary :{promoted.Port} after {watch.Elapsed.TotalSeconds:F1} s");

        var done = await JobPolling.WaitUntilAsync(client, jobId,
            job => job.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(90));
        output.WriteLine($"job ended {watch.Elapsed.TotalSeconds:F1} s after the kill: {done}");
        await JobPolling.AssertStoredEveryPhotoAsync(client, done, key.TenantId, "people", names);

        // Done well inside ClaimMinIdle, by this worker: never handed back. (Whether a write met the gap and the job
        // was resumed, or the client held the write until it reached the new primary, depends on timing; both are
        // fine.)
        output.WriteLine(string.Join('\n',
            worker.Logs.Lines.Where(l => l.Contains("resuming it in", StringComparison.Ordinal))));
        Assert.False(await promoted.Db.HashExistsAsync(JobKeys.Job(key.TenantId, jobId), "interruptions"));
    }

    [Fact]
    public async Task A_redis_frozen_mid_import_times_the_worker_out_and_it_resumes_the_job_itself()
    {
        using var folder = new IngestFolder(withBadFiles: false);
        var names = folder.AddFaceCopies(3);
        await using var ftp = await FtpTestServer.StartAsync(folder.Path);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("frozen");
        using var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/people", null)).EnsureSuccessStatusCode();
        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings["FacePing:Ingestion:Concurrency"] = "1";
        settings["FacePing:Ingestion:ClaimMinIdle"] = "00:05:00"; // a hand-back could not finish within the test
        // Short timeouts, so what the worker sends while Redis is frozen times out (RedisTimeoutException).
        await using var worker = await new IngestionFactory(
            redis.ConnectionString + ",syncTimeout=1000,asyncTimeout=1000", fx.Inference, settings,
            () => new SlowInference(TimeSpan.FromMilliseconds(300))).StartAsync();

        var jobId = await JobPolling.SubmitAsync(client, "/groups/people/process-ftp-folder", new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/",
        });
        await JobPolling.WaitUntilAsync(client, jobId, job => job.GetProperty("processed").GetInt32() >= 2,
            TimeSpan.FromSeconds(60));
        redis.Freeze(); // a hung node: connections stay open, nothing is answered
        try
        {
            await RedisSentinelGroup.WaitUntilAsync(() => Task.FromResult(worker.Logs.Contains("resuming it in") &&
                worker.Logs.Contains("Reading the job stream failed")), TimeSpan.FromSeconds(30),
                "timed-out writes and reads");
        }
        finally
        {
            redis.Thaw();
        }

        var done = await JobPolling.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(60));
        await JobPolling.AssertStoredEveryPhotoAsync(client, done, key.TenantId, "people", names);
        Assert.False(await redis.Db.HashExistsAsync(JobKeys.Job(key.TenantId, jobId), "interruptions"));
        output.WriteLine(string.Join('\n', worker.Logs.Lines.Where(l => l.Contains("Redis", StringComparison.Ordinal))
            .Take(4)));
    }
}
