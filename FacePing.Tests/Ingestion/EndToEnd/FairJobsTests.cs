using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Jobs;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FacePing.Tests.Ingestion.EndToEnd;

/// <summary>
/// Fair, bounded jobs (issue 20, item 3): one tenant's imports stalled on a silent FTP server hold at most
/// <c>MaxRunningPerTenant</c> of a worker's slots, so another tenant's small import runs meanwhile; a tenant past its
/// cap on unfinished jobs gets 429 with Retry-After while other tenants are unaffected.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class FairJobsTests(IngestionFixture fx, ITestOutputHelper output)
{
    [Fact]
    public async Task A_tenant_with_stalled_imports_does_not_hold_up_another_tenants_small_import()
    {
        await using var silent = SilentServer.Start();
        using var folder = new IngestFolder(withBadFiles: false);
        await using var ftp = await FtpTestServer.StartAsync(folder.Path);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var api = new ApiFactory(redis.ConnectionString, IngestionFixture.ApiSettings());
        var noisy = api.CreateClient((await api.CreateTenantAsync("noisy")).Key);
        var quietKey = await api.CreateTenantAsync("quiet");
        var quiet = api.CreateClient(quietKey.Key);
        (await noisy.PostAsync("/groups/stalled", null)).EnsureSuccessStatusCode();
        (await quiet.PostAsync("/groups/small", null)).EnsureSuccessStatusCode();

        var settings = IngestionFixture.WorkerSettings(null, null, null);
        // The silent server holds each stalled job far longer than this test runs: nothing ends by a timeout here.
        settings["FacePing:Ftp:GreetingTimeout"] = "00:05:00";
        settings["FacePing:Ftp:ReadTimeout"] = "00:05:00";
        await using var worker = await new IngestionFactory(redis.ConnectionString, fx.Inference, settings)
            .StartAsync();

        // Four imports aimed at a server that accepts and never greets, as in the repro.
        var stalled = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            stalled.Add(await JobPolling.SubmitAsync(noisy, "/groups/stalled/process-ftp-folder", new
            {
                host = "127.0.0.1", port = silent.Port, username = "u", password = "p", folderPath = "/",
            }));
        }
        await silent.WaitForConnectionsAsync(2, TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        var small = await JobPolling.SubmitAsync(quiet, "/groups/small/process-ftp-folder", new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password, folderPath = "/",
        });
        var done = await JobPolling.WaitForEndAsync(quiet, small, TimeSpan.FromSeconds(120));
        output.WriteLine($"the quiet tenant's import ended {clock.Elapsed.TotalSeconds:F1} s after it was submitted");

        await JobPolling.AssertStoredEveryPhotoAsync(quiet, done, quietKey.TenantId, "small", IngestFolder.FacePhotos);
        // It ran beside the stall, not after it: every stalled job is still unfinished, and only two of them (the
        // per-tenant cap) ever reached the silent server.
        foreach (var id in stalled)
        {
            var job = await noisy.GetFromJsonAsync<JsonElement>($"/jobs/{id}");
            Assert.Contains(job.GetProperty("status").GetString(), new[] { "queued", "running" });
        }
        Assert.Equal(2, silent.Connections);
    }

    [Fact]
    public async Task A_tenant_past_its_cap_on_unfinished_jobs_gets_429_while_others_still_queue()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        var settings = IngestionFixture.ApiSettings();
        settings["FacePing:Jobs:MaxUnfinishedPerTenant"] = "2";
        settings["FacePing:Jobs:RetryAfterSeconds"] = "17";
        await using var api = new ApiFactory(redis.ConnectionString, settings);
        var busyKey = await api.CreateTenantAsync("busy");
        var busy = api.CreateClient(busyKey.Key);
        var other = api.CreateClient((await api.CreateTenantAsync("other")).Key);
        (await busy.PostAsync("/groups/g", null)).EnsureSuccessStatusCode();
        (await other.PostAsync("/groups/g", null)).EnsureSuccessStatusCode();
        object Request() => new { host = "127.0.0.1", port = 21, username = "u", password = "p", folderPath = "/" };

        // No worker runs: the jobs stay queued.
        var first = await JobPolling.SubmitAsync(busy, "/groups/g/process-ftp-folder", Request());
        await JobPolling.SubmitAsync(busy, "/groups/g/process-ftp-folder", Request());
        using (var refused = await busy.PostAsJsonAsync("/groups/g/process-ftp-folder", Request()))
        {
            var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal(TimeSpan.FromSeconds(17), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("2 unfinished jobs", problem.GetProperty("detail").GetString());
        }
        // The refused job left nothing behind: two jobs listed, two entries queued.
        Assert.Equal(2, (await busy.GetFromJsonAsync<JsonElement>("/jobs")).GetArrayLength());
        Assert.Equal(2, await redis.Db.StreamLengthAsync(JobKeys.Stream));
        await JobPolling.SubmitAsync(other, "/groups/g/process-ftp-folder", Request());

        // A finished job frees its place.
        await api.Services.GetRequiredService<JobStore>().FinishAsync(busyKey.TenantId, first, JobStatus.Failed, "x");
        await JobPolling.SubmitAsync(busy, "/groups/g/process-ftp-folder", Request());
    }
}
