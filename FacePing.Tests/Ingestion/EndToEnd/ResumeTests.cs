using System.Net.Http.Json;
using FacePing.Core.Jobs;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;
using StackExchange.Redis;

namespace FacePing.Tests.Ingestion.EndToEnd;

/// <summary>
/// A worker stopped in the middle of a job: another worker claims the job and finishes it without duplicates.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class ResumeTests(IngestionFixture fx)
{
    [Fact]
    public async Task Worker_stopped_mid_job_is_resumed_by_another_without_duplicates()
    {
        using var folder = new IngestFolder(withBadFiles: false);
        var names = folder.AddFaceCopies(4); // fifteen face photos: the three fixtures under five names each
        await using var ftp = await FtpTestServer.StartAsync(folder.Path);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("resume");
        var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/resumed", null)).EnsureSuccessStatusCode();

        Dictionary<string, string?> Settings(string consumer)
        {
            var settings = IngestionFixture.WorkerSettings(null, null, null);
            settings["FacePing:Ingestion:Concurrency"] = "1";
            settings["FacePing:Ingestion:ConsumerName"] = consumer;
            settings["FacePing:Ingestion:ClaimMinIdle"] = "00:00:01.500";
            return settings;
        }

        var jobId = await JobPolling.SubmitAsync(client, "/groups/resumed/process-ftp-folder", new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/",
        });

        var first = await new IngestionFactory(redis.ConnectionString, fx.Inference, Settings("worker-a"),
            () => new SlowInference(TimeSpan.FromMilliseconds(400))).StartAsync();
        var processedBeforeStop = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var job = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/jobs/{jobId}");
            processedBeforeStop = job.GetProperty("processed").GetInt32();
            if (processedBeforeStop >= 3) break;
            await Task.Delay(50);
        }
        await first.DisposeAsync(); // the worker stops mid-job; its stream entry stays pending

        var stopped = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/jobs/{jobId}");
        Assert.Equal("running", stopped.GetProperty("status").GetString());
        var processedAtStop = stopped.GetProperty("processed").GetInt32();
        Assert.InRange(processedAtStop, 3, names.Count - 1);
        var pendingAtStop = await redis.Db.StreamPendingAsync(JobKeys.Stream, JobKeys.ConsumerGroup);
        Assert.Equal(1, pendingAtStop.PendingMessageCount);
        Assert.Equal("worker-a", pendingAtStop.Consumers.Single().Name);
        // A stop is a deliberate hand-back: the next claim is not counted as a crash.
        Assert.Equal(1, (long)await redis.Db.HashGetAsync(JobKeys.Job(key.TenantId, jobId), "interruptions"));
        Assert.True(await redis.Db.KeyExistsAsync(JobKeys.Secret(key.TenantId, jobId)),
            "credentials are kept while the job is unfinished");

        await using var second = await new IngestionFactory(redis.ConnectionString, fx.Inference,
            Settings("worker-b")).StartAsync();
        var done = await JobPolling.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(90));

        await JobPolling.AssertStoredEveryPhotoAsync(client, done, key.TenantId, "resumed", names);
        var group = (await client.GetFromJsonAsync<System.Text.Json.JsonElement[]>("/groups"))!.Single();
        Assert.Equal(names.Count, group.GetProperty("vectorCount").GetInt32());

        // The entry was acknowledged: nothing left pending for anyone.
        Assert.Equal(0, await PendingAfterAckAsync(redis.Db));
        Assert.False(await redis.Db.KeyExistsAsync(JobKeys.Secret(key.TenantId, jobId)));
    }

    [Fact]
    public async Task Group_deleted_mid_job_fails_the_job_and_leaves_no_vectors_behind()
    {
        using var folder = new IngestFolder(withBadFiles: false);
        folder.AddFaceCopies(4);
        await using var ftp = await FtpTestServer.StartAsync(folder.Path);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("deleted");
        var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/doomed", null)).EnsureSuccessStatusCode();
        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings["FacePing:Ingestion:Concurrency"] = "1";
        await using var worker = await new IngestionFactory(redis.ConnectionString, fx.Inference, settings,
            () => new SlowInference(TimeSpan.FromMilliseconds(300))).StartAsync();

        var jobId = await JobPolling.SubmitAsync(client, "/groups/doomed/process-ftp-folder", new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/",
        });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline
               && (await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/jobs/{jobId}"))
                   .GetProperty("successCount").GetInt32() < 1)
            await Task.Delay(50);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await client.DeleteAsync("/groups/doomed")).StatusCode);

        var job = await JobPolling.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(60));
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("Group 'doomed' was deleted during the import.", job.GetProperty("error").GetString());
        // Nothing re-created the group or left vectors behind.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync("/groups/doomed/vectors")).StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<System.Text.Json.JsonElement[]>("/groups"))!);
        Assert.False(await redis.Db.KeyExistsAsync(JobKeys.Secret(key.TenantId, jobId)));
    }

    [Fact]
    public async Task A_job_that_keeps_taking_its_worker_down_is_given_up_but_hand_backs_are_not_counted()
    {
        using var folder = new IngestFolder(withBadFiles: false);
        await using var ftp = await FtpTestServer.StartAsync(folder.Path);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("poison");
        var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/poison", null)).EnsureSuccessStatusCode();
        var db = redis.Db;
        await db.StreamCreateConsumerGroupAsync(JobKeys.Stream, JobKeys.ConsumerGroup, "0", createStream: true);
        var ftpJob = new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/"
        };

        // Two jobs, each taken by four workers that died holding it (a delivery each, no hand-back recorded)...
        var poisoned = await JobPolling.SubmitAsync(client, "/groups/poison/process-ftp-folder", ftpJob);
        var handedBack = await JobPolling.SubmitAsync(client, "/groups/poison/process-ftp-folder", ftpJob);
        var entries = await db.StreamReadGroupAsync(JobKeys.Stream, JobKeys.ConsumerGroup, "dead-0",
            StreamPosition.NewMessages, count: 2);
        Assert.Equal(2, entries.Length);
        for (var i = 1; i <= 3; i++)
            await db.StreamClaimAsync(JobKeys.Stream, JobKeys.ConsumerGroup, $"dead-{i}", 0,
                [entries[0].Id, entries[1].Id]);
        // ...except that the second job's workers handed it back on purpose (Inference down, shutdown) three times.
        for (var i = 0; i < 3; i++) await db.HashIncrementAsync(JobKeys.Job(key.TenantId, handedBack), "interruptions");

        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings["FacePing:Ingestion:ClaimMinIdle"] = "00:00:00.300";
        settings["FacePing:Ingestion:MaxCrashes"] = "3";
        await using var worker =
            await new IngestionFactory(redis.ConnectionString, fx.Inference, settings).StartAsync();

        // The worker's claim is the 5th delivery: 5 − the first − 0 hand-backs = 4 crashes > 3. Given up, readably,
        // nothing imported.
        var failed = await JobPolling.WaitForEndAsync(client, poisoned, TimeSpan.FromSeconds(60));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("given up", failed.GetProperty("error").GetString());
        Assert.Equal(0, failed.GetProperty("processed").GetInt32());

        // 5 deliveries − the first − 3 hand-backs = 1 crash: the job runs to the end, and nothing stays pending.
        var done = await JobPolling.WaitForEndAsync(client, handedBack, TimeSpan.FromSeconds(90));
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(IngestFolder.FacePhotos.Length, done.GetProperty("successCount").GetInt32());
        Assert.Equal(0, await PendingAfterAckAsync(db));
        // The worker finished giving the first job up (credentials dropped) before it took the second.
        Assert.False(await db.KeyExistsAsync(JobKeys.Secret(key.TenantId, poisoned)));
    }

    // A worker acknowledges its entry just after the job shows its end (notifications go first): give it a moment.
    private static async Task<long> PendingAfterAckAsync(IDatabase db)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long pending;
        while ((pending = (await db.StreamPendingAsync(JobKeys.Stream, JobKeys.ConsumerGroup)).PendingMessageCount) > 0
               && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        return pending;
    }
}
