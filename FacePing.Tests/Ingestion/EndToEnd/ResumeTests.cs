using System.Net.Http.Json;
using FacePing.Core.Jobs;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Ingestion.EndToEnd;

/// <summary>A worker stopped in the middle of a job: another worker claims the job and finishes it without duplicates.</summary>
[Collection(IngestionCollection.Name)]
public sealed class ResumeTests(IngestionFixture fx)
{
    [Fact]
    public async Task Worker_stopped_mid_job_is_resumed_by_another_without_duplicates()
    {
        using var folder = new IngestFolder(withBadFiles: false);
        // Twelve face photos: the three fixtures under four names each.
        var names = new List<string>();
        for (var copy = 0; copy < 4; copy++)
        {
            foreach (var photo in IngestFolder.FacePhotos)
            {
                var name = $"copy{copy}-{photo}";
                File.Copy(Path.Combine(folder.Path, photo), Path.Combine(folder.Path, name));
                names.Add(name);
            }
        }
        names.AddRange(IngestFolder.FacePhotos);
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

        var first = new IngestionFactory(redis.ConnectionString, fx.Inference, Settings("worker-a"), () => new SlowInference(TimeSpan.FromMilliseconds(400))).Start();
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
        Assert.True(await redis.Db.KeyExistsAsync(JobKeys.Secret(key.TenantId, jobId)), "credentials are kept while the job is unfinished");

        await using var second = new IngestionFactory(redis.ConnectionString, fx.Inference, Settings("worker-b")).Start();
        var done = await JobPolling.WaitForEndAsync(client, jobId, TimeSpan.FromSeconds(90));

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(names.Count, done.GetProperty("totalFiles").GetInt32());
        Assert.Equal(names.Count, done.GetProperty("processed").GetInt32());
        Assert.Equal(names.Count, done.GetProperty("successCount").GetInt32());
        Assert.Empty(done.GetProperty("failed").EnumerateArray());

        var ids = await client.GetFromJsonAsync<string[]>("/groups/resumed/vectors");
        var expected = names.Select(n => IngestedVectorId.For(key.TenantId, "resumed", "ftp", "/" + n)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, ids);
        var group = (await client.GetFromJsonAsync<System.Text.Json.JsonElement[]>("/groups"))!.Single();
        Assert.Equal(names.Count, group.GetProperty("vectorCount").GetInt32());

        // The entry was acknowledged: nothing left pending for anyone.
        Assert.Equal(0, (await redis.Db.StreamPendingAsync(JobKeys.Stream, JobKeys.ConsumerGroup)).PendingMessageCount);
        Assert.False(await redis.Db.KeyExistsAsync(JobKeys.Secret(key.TenantId, jobId)));
    }

    [Fact]
    public async Task Group_deleted_mid_job_fails_the_job_and_leaves_no_vectors_behind()
    {
        using var folder = new IngestFolder(withBadFiles: false);
        for (var copy = 0; copy < 4; copy++)
            foreach (var photo in IngestFolder.FacePhotos)
                File.Copy(Path.Combine(folder.Path, photo), Path.Combine(folder.Path, $"copy{copy}-{photo}"));
        await using var ftp = await FtpTestServer.StartAsync(folder.Path);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("deleted");
        var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/doomed", null)).EnsureSuccessStatusCode();
        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings["FacePing:Ingestion:Concurrency"] = "1";
        await using var worker = new IngestionFactory(redis.ConnectionString, fx.Inference, settings, () => new SlowInference(TimeSpan.FromMilliseconds(300))).Start();

        var jobId = await JobPolling.SubmitAsync(client, "/groups/doomed/process-ftp-folder", new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/",
        });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline
               && (await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/jobs/{jobId}")).GetProperty("successCount").GetInt32() < 1)
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
}
