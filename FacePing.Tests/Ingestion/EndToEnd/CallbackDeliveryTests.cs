using FacePing.Core.Jobs;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace FacePing.Tests.Ingestion.EndToEnd;

/// <summary>
/// Notifications leave the job slot (issue 20, item 3): a finished job's callback and e-mail go to a Redis delivery
/// queue that the worker's delivery loop sends from, so a silent receiver never holds a slot another job needs;
/// retries keep their webhook-id and back-off; a queued delivery outlives its worker.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class CallbackDeliveryTests(IngestionFixture fx, ITestOutputHelper output)
{
    [Fact]
    public async Task Callbacks_hanging_on_a_silent_receiver_hold_no_job_slot_another_tenants_job_needs()
    {
        await using var silent = SilentServer.Start();
        using var folder = new IngestFolder(withBadFiles: false);
        await using var ftp = await FtpTestServer.StartAsync(folder.Path);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var noisyKey = await api.CreateTenantAsync("noisy");
        var noisy = api.CreateClient(noisyKey.Key);
        var quietKey = await api.CreateTenantAsync("quiet");
        var quiet = api.CreateClient(quietKey.Key);
        (await noisy.PostAsync("/groups/g", null)).EnsureSuccessStatusCode();
        (await quiet.PostAsync("/groups/small", null)).EnsureSuccessStatusCode();

        var settings = IngestionFixture.WorkerSettings(null, null, null);
        // Two slots, both the noisy tenant's to take; each callback attempt waits far longer than this test runs. A
        // callback sent inside its job's slot would hold both slots until the quiet job's wait below ran out.
        settings["FacePing:Ingestion:Jobs"] = "2";
        settings["FacePing:Ingestion:MaxRunningPerTenant"] = "2";
        settings["FacePing:Callbacks:Timeout"] = "00:05:00";
        settings["FacePing:Deliveries:Lease"] = "00:10:00";
        settings["FacePing:Deliveries:Concurrency"] = "4";
        settings["FacePing:Deliveries:PollInterval"] = "00:00:00.100";
        await using var worker = await new IngestionFactory(redis.ConnectionString, fx.Inference, settings)
            .StartAsync();

        // Four jobs that end at once (a wrong password), each calling back to a server that accepts and never answers.
        var hanging = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            hanging.Add(await JobPolling.SubmitAsync(noisy, "/groups/g/process-ftp-folder", new
            {
                host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = "wrong", folderPath = "/",
                callbackUrl = $"http://127.0.0.1:{silent.Port}/hook",
            }));
        }
        await silent.WaitForConnectionsAsync(4, TimeSpan.FromSeconds(60));

        var small = await JobPolling.SubmitAsync(quiet, "/groups/small/process-ftp-folder", new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/",
        });
        var done = await JobPolling.WaitForEndAsync(quiet, small, TimeSpan.FromSeconds(120));
        await JobPolling.AssertStoredEveryPhotoAsync(quiet, done, quietKey.TenantId, "small", IngestFolder.FacePhotos);

        // It ran while all four callbacks were still hanging: each noisy job has ended, none of its callbacks has an
        // outcome, and all four deliveries are still queued.
        foreach (var id in hanging)
        {
            Assert.Equal(JobStatus.Failed,
                (string?)await redis.Db.HashGetAsync(JobKeys.Job(noisyKey.TenantId, id), "status"));
            Assert.False(await redis.Db.HashExistsAsync(JobKeys.Job(noisyKey.TenantId, id), "callback"));
        }
        Assert.Equal(4, await redis.Db.SortedSetLengthAsync(JobKeys.DeliveriesDue));
        Assert.Equal(4, silent.Connections);
        output.WriteLine($"the quiet job ended with {silent.Connections} callbacks hanging");
    }

    [Fact]
    public async Task A_callback_failing_twice_is_delivered_once_on_the_third_attempt_under_one_webhook_id()
    {
        var key = await fx.Api.CreateTenantAsync("retried");
        var client = fx.Api.CreateClient(key.Key);
        (await client.PostAsync("/groups/g", null)).EnsureSuccessStatusCode();
        await using var receiver = await CallbackReceiver.StartAsync(key.WebhookSecret);
        receiver.FailFirst = 2;

        var jobId = await SubmitRefusedJobAsync(client, receiver);
        await JobPolling.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(60));
        var outcome = await WaitForCallbackOutcomeAsync(fx.Redis.Db, key.TenantId, jobId, TimeSpan.FromSeconds(60));

        Assert.Equal("delivered", outcome);
        Assert.Equal(3, (int)await fx.Redis.Db.HashGetAsync(JobKeys.Job(key.TenantId, jobId), "callbackAttempts"));
        Assert.Equal(3, receiver.Requests);
        Assert.Equal(["job_" + jobId], receiver.Ids.Distinct());
        var delivery = Assert.Single(receiver.Deliveries); // signed with the tenant's secret, verified by the receiver
        Assert.Equal("job_" + jobId, delivery.Id);
        Assert.Equal(jobId, Assert.Single(receiver.Received).RootElement.GetProperty("jobId").GetString());
        // The delivery has left the queue.
        Assert.False(await fx.Redis.Db.KeyExistsAsync(JobKeys.Delivery(key.TenantId, jobId)));
        Assert.Null(await fx.Redis.Db.SortedSetScoreAsync(JobKeys.DeliveriesDue, $"{key.TenantId}:{jobId}"));
    }

    [Fact]
    public async Task A_delivery_queued_when_its_worker_stops_is_delivered_by_the_next_worker()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("restarted");
        var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/g", null)).EnsureSuccessStatusCode();
        await using var receiver = await CallbackReceiver.StartAsync(key.WebhookSecret);
        receiver.FailFirst = 1;
        var settings = IngestionFixture.WorkerSettings(null, null, null);
        // The retry is due well after the first worker is gone, so only the next worker can send it.
        settings["FacePing:Callbacks:FirstRetryDelay"] = "00:00:15";

        var first = await new IngestionFactory(redis.ConnectionString, fx.Inference, settings).StartAsync();
        var jobId = await SubmitRefusedJobAsync(client, receiver);
        await JobPolling.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(60));
        // Stopped once the first attempt's 503 is rescheduled: an attempt the stop interrupts is handed back
        // uncounted instead (the next test), and the retry would not be the next worker's.
        await WaitForFirstAttemptRecordedAsync(redis.Db, key.TenantId, jobId);
        await first.DisposeAsync();
        Assert.Equal(1, receiver.Requests);
        Assert.Empty(receiver.Deliveries);
        Assert.NotNull(await redis.Db.SortedSetScoreAsync(JobKeys.DeliveriesDue, $"{key.TenantId}:{jobId}"));

        await using var next = await new IngestionFactory(redis.ConnectionString, fx.Inference, settings).StartAsync();
        var outcome = await WaitForCallbackOutcomeAsync(redis.Db, key.TenantId, jobId, TimeSpan.FromSeconds(60));

        Assert.Equal("delivered", outcome);
        Assert.Equal(2, (int)await redis.Db.HashGetAsync(JobKeys.Job(key.TenantId, jobId), "callbackAttempts"));
        Assert.Equal(2, receiver.Requests);
        Assert.Equal("job_" + jobId, Assert.Single(receiver.Deliveries).Id);
        Assert.Equal(["job_" + jobId], receiver.Ids.Distinct());
    }

    [Fact]
    public async Task An_attempt_its_worker_stops_during_is_sent_again_by_the_next_worker_under_the_same_id()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("interrupted");
        var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/g", null)).EnsureSuccessStatusCode();
        await using var receiver = await CallbackReceiver.StartAsync(key.WebhookSecret);
        receiver.StallFirst = TimeSpan.FromMinutes(2); // the first request is still open when its worker stops
        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings["FacePing:Callbacks:Timeout"] = "00:02:00"; // so the stop, not a timeout, ends that attempt
        settings["FacePing:Deliveries:Lease"] = "00:05:00";

        var first = await new IngestionFactory(redis.ConnectionString, fx.Inference, settings).StartAsync();
        var jobId = await SubmitRefusedJobAsync(client, receiver);
        await JobPolling.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => receiver.Requests >= 1, TimeSpan.FromSeconds(30));
        await first.DisposeAsync();
        // Handed back as due at once, with no attempt counted: the stop was ours, not the receiver's failure.
        Assert.False(await redis.Db.HashExistsAsync(JobKeys.Job(key.TenantId, jobId), "callback"));
        Assert.NotNull(await redis.Db.SortedSetScoreAsync(JobKeys.DeliveriesDue, $"{key.TenantId}:{jobId}"));
        var queued = (await redis.Db.StringGetAsync(JobKeys.Delivery(key.TenantId, jobId))).ToString();
        Assert.DoesNotContain("\"callbackAttempts\":1", queued, StringComparison.Ordinal);

        await using var next = await new IngestionFactory(redis.ConnectionString, fx.Inference, settings).StartAsync();
        var outcome = await WaitForCallbackOutcomeAsync(redis.Db, key.TenantId, jobId, TimeSpan.FromSeconds(60));

        Assert.Equal("delivered", outcome);
        Assert.Equal(1, (int)await redis.Db.HashGetAsync(JobKeys.Job(key.TenantId, jobId), "callbackAttempts"));
        Assert.Equal(2, receiver.Requests);
        // The receiver saw the same webhook-id twice, so it can tell the second request for a repeat of the first.
        Assert.Equal(["job_" + jobId, "job_" + jobId], receiver.Ids);
        Assert.Equal("job_" + jobId, Assert.Single(receiver.Deliveries).Id);
    }

    [Fact]
    public async Task A_redis_frozen_while_a_retry_waits_times_the_delivery_loop_out_and_it_carries_on()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("frozen");
        var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/g", null)).EnsureSuccessStatusCode();
        await using var receiver = await CallbackReceiver.StartAsync(key.WebhookSecret);
        receiver.FailFirst = 1;
        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings["FacePing:Callbacks:FirstRetryDelay"] = "00:00:01";
        settings["FacePing:Deliveries:PollInterval"] = "00:00:00.100";
        // Short timeouts, so what the loop sends while Redis is frozen times out (RedisTimeoutException).
        await using var worker = await new IngestionFactory(
            redis.ConnectionString + ",syncTimeout=1000,asyncTimeout=1000", fx.Inference, settings).StartAsync();

        var jobId = await SubmitRefusedJobAsync(client, receiver);
        // Frozen once the first attempt's 503 is rescheduled, so the loop is between attempts.
        await WaitForFirstAttemptRecordedAsync(redis.Db, key.TenantId, jobId);
        redis.Freeze(); // a hung node: connections stay open, nothing is answered
        try
        {
            await WaitUntilAsync(() => worker.Logs.Contains("Reading the delivery queue failed (timeout)"),
                TimeSpan.FromSeconds(30));
        }
        finally
        {
            redis.Thaw();
        }

        Assert.Equal("delivered", await WaitForCallbackOutcomeAsync(redis.Db, key.TenantId, jobId,
            TimeSpan.FromSeconds(60)));
        Assert.Equal(2, receiver.Requests);
        Assert.Equal("job_" + jobId, Assert.Single(receiver.Deliveries).Id);
    }

    // A job that ends at once (the FTP server refuses its password), calling back to the receiver.
    private Task<string> SubmitRefusedJobAsync(HttpClient client, CallbackReceiver receiver) =>
        JobPolling.SubmitAsync(client, "/groups/g/process-ftp-folder", new
        {
            host = "127.0.0.1", port = fx.Ftp.Port, username = fx.Ftp.User, password = "wrong", folderPath = "/",
            callbackUrl = receiver.Url.ToString(),
        });

    private static Task WaitForFirstAttemptRecordedAsync(IDatabase db, string tenant, string jobId) =>
        WaitUntilAsync(async () => (await db.StringGetAsync(JobKeys.Delivery(tenant, jobId))).ToString()
            .Contains("\"callbackAttempts\":1", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

    private static async Task<string> WaitForCallbackOutcomeAsync(IDatabase db, string tenant, string jobId,
        TimeSpan limit)
    {
        var outcome = RedisValue.Null;
        await WaitUntilAsync(async () =>
        {
            outcome = await db.HashGetAsync(JobKeys.Job(tenant, jobId), "callback");
            return !outcome.IsNull;
        }, limit);
        return outcome.ToString();
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan limit) =>
        WaitUntilAsync(() => Task.FromResult(condition()), limit);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {limit}");
            await Task.Delay(50);
        }
    }
}
