using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;
using Xunit.Abstractions;

namespace FacePing.Tests.Ingestion.EndToEnd;

/// <summary>
/// One worker runs <c>FacePing:Ingestion:Jobs</c> jobs at a time: a three-photo import submitted while a large import
/// runs finishes first, instead of waiting behind it, and both store every photo once.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class ConcurrentJobsTests(IngestionFixture fx, ITestOutputHelper output)
{
    [Fact]
    public async Task A_small_import_is_not_held_up_behind_a_large_one()
    {
        using var large = new IngestFolder(withBadFiles: false);
        var largeNames = large.AddFaceCopies(8);
        using var small = new IngestFolder(withBadFiles: false);
        await using var largeFtp = await FtpTestServer.StartAsync(large.Path);
        await using var smallFtp = await FtpTestServer.StartAsync(small.Path);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var key = await api.CreateTenantAsync("two-jobs");
        using var client = api.CreateClient(key.Key);
        (await client.PostAsync("/groups/large", null)).EnsureSuccessStatusCode();
        (await client.PostAsync("/groups/small", null)).EnsureSuccessStatusCode();

        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings["FacePing:Ingestion:Concurrency"] = "1";
        settings["FacePing:Ingestion:Jobs"] = "2";
        await using var worker = await new IngestionFactory(redis.ConnectionString, fx.Inference, settings,
            () => new SlowInference(TimeSpan.FromMilliseconds(300))).StartAsync();

        var largeJob = await JobPolling.SubmitAsync(client, "/groups/large/process-ftp-folder", Ftp(largeFtp));
        await JobPolling.WaitUntilAsync(client, largeJob, job => job.GetProperty("processed").GetInt32() >= 1,
            TimeSpan.FromSeconds(60));
        var smallJob = await JobPolling.SubmitAsync(client, "/groups/small/process-ftp-folder", Ftp(smallFtp));

        var smallDone = await JobPolling.WaitForEndAsync(client, smallJob, TimeSpan.FromSeconds(60));
        var largeThen = await client.GetFromJsonAsync<JsonElement>($"/jobs/{largeJob}");
        output.WriteLine($"small import ended while the large one had {largeThen.GetProperty("processed")} of " +
                         $"{largeNames.Count} done ({largeThen.GetProperty("status")})");
        Assert.Equal("running", largeThen.GetProperty("status").GetString());
        Assert.True(largeThen.GetProperty("processed").GetInt32() < largeNames.Count);
        await JobPolling.AssertStoredEveryPhotoAsync(client, smallDone, key.TenantId, "small", IngestFolder.FacePhotos);

        var largeDone = await JobPolling.WaitForEndAsync(client, largeJob, TimeSpan.FromSeconds(120));
        await JobPolling.AssertStoredEveryPhotoAsync(client, largeDone, key.TenantId, "large", largeNames);
    }

    private static object Ftp(FtpTestServer ftp) =>
        new { host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/" };
}
