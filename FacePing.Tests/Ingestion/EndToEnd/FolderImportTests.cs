using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Jobs;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Ingestion.EndToEnd;

[Collection(IngestionCollection.Name)]
public sealed class FolderImportTests(IngestionFixture fx)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    private async Task<(HttpClient Client, string Tenant, string Group)> TenantWithGroupAsync()
    {
        var (client, tenant, group, _) = await TenantWithSecretAsync();
        return (client, tenant, group);
    }

    private async Task<(HttpClient Client, string Tenant, string Group, string Secret)> TenantWithSecretAsync()
    {
        var key = await fx.Api.CreateTenantAsync("ingest");
        var client = fx.Api.CreateClient(key.Key);
        var group = "g-" + Guid.NewGuid().ToString("N")[..8];
        (await client.PostAsync($"/groups/{group}", null)).EnsureSuccessStatusCode();
        Assert.StartsWith("whsec_", key.WebhookSecret);
        return (client, key.TenantId, group, key.WebhookSecret!);
    }

    private object FtpRequest(FtpTestServer server, string? callbackUrl = null, string? email = null,
        string? password = null) => new
        {
            host = "ftp://127.0.0.1",
            port = server.Port,
            username = Uri.EscapeDataString(server.User), // "face%24user", as the original clients send it
            password = password ?? server.Password,
            folderPath = "/",
            notificationEmailAddress = email,
            callbackUrl,
        };

    /// <summary>
    /// The expected outcome of importing <see cref="IngestFolder"/>: three faces stored, three readable failures.
    /// </summary>
    private static void AssertFixtureOutcome(JsonElement job, string source)
    {
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(source, job.GetProperty("source").GetString());
        Assert.Equal(6, job.GetProperty("totalFiles").GetInt32());
        Assert.Equal(6, job.GetProperty("processed").GetInt32());
        Assert.Equal(3, job.GetProperty("successCount").GetInt32());
        var failed = job.GetProperty("failed").EnumerateArray()
            .ToDictionary(f => f.GetProperty("fileName").GetString()!, f => f.GetProperty("error").GetString()!);
        Assert.Equal([IngestFolder.NoFacePhoto, IngestFolder.NotAnImage, IngestFolder.Truncated],
            failed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("no face found", failed[IngestFolder.NoFacePhoto]);
        Assert.StartsWith("not a decodable image", failed[IngestFolder.NotAnImage]);
        Assert.StartsWith("not a decodable image", failed[IngestFolder.Truncated]);
        Assert.NotNull(job.GetProperty("completedAt").GetString());
    }

    private async Task AssertGroupHoldsExactlyAsync(HttpClient client, string tenant, string group, string source,
        string jobId, Func<string, string> fileIdOf)
    {
        var ids = await client.GetFromJsonAsync<string[]>($"/groups/{group}/vectors");
        var expected = IngestFolder.FacePhotos
            .Select(name => IngestedVectorId.For(tenant, group, source, fileIdOf(name))).Order(StringComparer.Ordinal);
        Assert.Equal(expected, ids!);
        foreach (var name in IngestFolder.FacePhotos)
        {
            var id = IngestedVectorId.For(tenant, group, source, fileIdOf(name));
            var vector = await client.GetFromJsonAsync<JsonElement>($"/vectors/{id}");
            var metadata = vector.GetProperty("metadata");
            Assert.Equal(name, metadata.GetProperty("fileName").GetString());
            Assert.Equal(fileIdOf(name), metadata.GetProperty("fileId").GetString());
            Assert.Equal(source, metadata.GetProperty("source").GetString());
            Assert.Equal(jobId, metadata.GetProperty("jobId").GetString());
            Assert.Equal(vector.GetProperty("dimensions").GetInt32(),
                vector.GetProperty("vectorString").GetString()!.Split(',').Length);
        }
    }

    [Fact]
    public async Task Ftp_folder_import_stores_exactly_the_faces_reports_failures_calls_back_after_503_and_mails()
    {
        var (client, tenant, group, secret) = await TenantWithSecretAsync();
        // The receiver verifies the tenant's signature and needs a Content-Length, as a plain webhook receiver does.
        await using var receiver = await CallbackReceiver.StartAsync(secret);
        receiver.FailFirst = 1; // the first delivery gets a 503 and must be retried
        var email = $"owner-{group}@example.com";

        var jobId = await JobPolling.SubmitAsync(client, $"/groups/{group}/process-ftp-folder",
            FtpRequest(fx.Ftp, receiver.Url.ToString(), email));
        var job = await JobPolling.WaitForEndAsync(client, jobId, JobTimeout);

        AssertFixtureOutcome(job, "ftp");
        await AssertGroupHoldsExactlyAsync(client, tenant, group, "ftp", jobId, name => "/" + name);

        var callback = (await receiver.WaitAsync(TimeSpan.FromSeconds(20))).RootElement;
        Assert.Equal(2, receiver.Requests);
        Assert.Equal(jobId, callback.GetProperty("jobId").GetString());
        Assert.Equal(group, callback.GetProperty("groupName").GetString());
        Assert.Equal("completed", callback.GetProperty("status").GetString());
        Assert.Equal(6, callback.GetProperty("totalFiles").GetInt32());
        Assert.Equal(3, callback.GetProperty("successCount").GetInt32());
        Assert.Equal(3, callback.GetProperty("failed").GetArrayLength());

        var mail = await fx.Smtp.WaitForMessageAsync(email, TimeSpan.FromSeconds(20));
        Assert.Contains(group, mail.Subject);
        Assert.Contains("3 of 6", mail.Subject);
        Assert.Contains($"- {IngestFolder.NoFacePhoto} (id /{IngestFolder.NoFacePhoto}): no face found", mail.TextBody);

        // Credentials are gone once the job ended, and never shown.
        Assert.False(await fx.Redis.Db.KeyExistsAsync(JobKeys.Secret(tenant, jobId)));
        var raw = await client.GetStringAsync($"/jobs/{jobId}");
        Assert.DoesNotContain(fx.Ftp.Password, raw);

        // GET /jobs lists it (newest first).
        var list = await client.GetFromJsonAsync<JsonElement[]>("/jobs");
        Assert.Equal(jobId, list![0].GetProperty("jobId").GetString());

        // Running the same folder again replaces rather than duplicates.
        var again = await JobPolling.SubmitAsync(client, $"/groups/{group}/process-ftp-folder", FtpRequest(fx.Ftp));
        AssertFixtureOutcome(await JobPolling.WaitForEndAsync(client, again, JobTimeout), "ftp");
        await AssertGroupHoldsExactlyAsync(client, tenant, group, "ftp", again, name => "/" + name);
        var jobs = await client.GetFromJsonAsync<JsonElement[]>("/jobs");
        Assert.Equal([again, jobId], jobs!.Select(j => j.GetProperty("jobId").GetString()!));
    }

    [Fact]
    public async Task Faces_below_the_jobs_quality_bar_are_listed_as_failed_with_the_reasons()
    {
        var (client, tenant, group) = await TenantWithGroupAsync();
        var folder = Directory.CreateTempSubdirectory("faceping-quality-");
        var sharp = Faces.FacesFixture.Crop("Willis", 2);
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "sharp.jpg"), sharp);
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "tiny.jpg"),
            Inference.TestImages.Shrink(sharp, 0.12f));
        await using var ftp = await FtpTestServer.StartAsync(folder.FullName);

        var request = new
        {
            host = "127.0.0.1", port = ftp.Port, username = ftp.User, password = ftp.Password,
            folderPath = "/", minQuality = 0.6,
        };
        var jobId = await JobPolling.SubmitAsync(client, $"/groups/{group}/process-ftp-folder", request);
        var job = await JobPolling.WaitForEndAsync(client, jobId, JobTimeout);

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(1, job.GetProperty("successCount").GetInt32());
        var failure = Assert.Single(job.GetProperty("failed").EnumerateArray());
        Assert.Equal("tiny.jpg", failure.GetProperty("fileName").GetString());
        Assert.StartsWith("face quality", failure.GetProperty("error").GetString());
        Assert.Contains("small", failure.GetProperty("error").GetString());
        var ids = await client.GetFromJsonAsync<string[]>($"/groups/{group}/vectors");
        Assert.Equal([IngestedVectorId.For(tenant, group, "ftp", "/sharp.jpg")], ids!);
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Ftps_folder_import_over_tls_stores_the_faces()
    {
        var (client, tenant, group) = await TenantWithGroupAsync();
        var jobId = await JobPolling.SubmitAsync(client, $"/groups/{group}/process-ftp-folder", FtpRequest(fx.Ftps));
        var job = await JobPolling.WaitForEndAsync(client, jobId, JobTimeout);
        AssertFixtureOutcome(job, "ftp");
        await AssertGroupHoldsExactlyAsync(client, tenant, group, "ftp", jobId, name => "/" + name);
    }

    [Fact]
    public async Task Drive_folder_import_stores_the_faces_and_notifies()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "FacePing.Ingestion",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) =>
                System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var (client, tenant, group) = await TenantWithGroupAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        var email = $"drive-{group}@example.com";
        var jobId = await JobPolling.SubmitAsync(client, $"/groups/{group}/process-drive-folder", new
        {
            folderId = IngestionFixture.DriveFolderId,
            serviceAccountKey = fx.Drive.ServiceAccountKey(),
            notificationEmailAddress = email,
            callbackUrl = receiver.Url.ToString(),
        });
        var job = await JobPolling.WaitForEndAsync(client, jobId, JobTimeout);

        AssertFixtureOutcome(job, "drive");
        await AssertGroupHoldsExactlyAsync(client, tenant, group, "drive", jobId,
            name => "f-" + name.Replace('.', '-'));
        var callback = (await receiver.WaitAsync(TimeSpan.FromSeconds(20))).RootElement;
        Assert.Equal("completed", callback.GetProperty("status").GetString());
        Assert.Equal(3, callback.GetProperty("successCount").GetInt32());
        var mail = await fx.Smtp.WaitForMessageAsync(email, TimeSpan.FromSeconds(20));
        Assert.Contains("completed", mail.Subject);
        Assert.False(await fx.Redis.Db.KeyExistsAsync(JobKeys.Secret(tenant, jobId)));

        // Spans for the dashboard: one per job, one per file. The job span ends after the status is written (it covers
        // the notifications and the stream acknowledgement), so give it a moment to be recorded.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline &&
               !spans.Any(a => a.OperationName == "ingest.job" && (string?)a.GetTagItem("faceping.job_id") == jobId))
            await Task.Delay(50);
        var mine = spans.Where(a => (string?)a.GetTagItem("faceping.job_id") == jobId).ToList();
        var jobSpan = Assert.Single(mine, a => a.OperationName == "ingest.job");
        Assert.Equal(6, jobSpan.GetTagItem("faceping.files"));
        Assert.Equal(6, mine.Count(a => a.OperationName == "ingest.file"));
        Assert.Contains(mine, a => a.OperationName == "callback");
        // The private key never reaches a log.
        var privateKeyLine = fx.Drive.ServiceAccountKey().Split("\\n")[1];
        Assert.False(fx.Ingestion.Logs.Contains(privateKeyLine), "the service-account key was logged");
    }

    [Fact]
    public async Task Unknown_drive_folder_fails_the_job_readably_and_still_notifies()
    {
        var (client, tenant, group) = await TenantWithGroupAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        var email = $"nofolder-{group}@example.com";
        var jobId = await JobPolling.SubmitAsync(client, $"/groups/{group}/process-drive-folder", new
        {
            folderId = "NoSuchFolder123",
            serviceAccountKey = fx.Drive.ServiceAccountKey(),
            notificationEmailAddress = email,
            callbackUrl = receiver.Url.ToString(),
        });
        var job = await JobPolling.WaitForEndAsync(client, jobId, JobTimeout);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("File not found: NoSuchFolder123.", job.GetProperty("error").GetString());
        var callback = (await receiver.WaitAsync(TimeSpan.FromSeconds(20))).RootElement;
        Assert.Equal("failed", callback.GetProperty("status").GetString());
        Assert.Equal(0, callback.GetProperty("totalFiles").GetInt32());
        var mail = await fx.Smtp.WaitForMessageAsync(email, TimeSpan.FromSeconds(20));
        Assert.Contains("failed", mail.Subject);
        Assert.Contains("File not found: NoSuchFolder123.", mail.TextBody);
        Assert.False(await fx.Redis.Db.KeyExistsAsync(JobKeys.Secret(tenant, jobId)));
        Assert.Empty((await client.GetFromJsonAsync<string[]>($"/groups/{group}/vectors"))!);
    }

    [Fact]
    public async Task Wrong_ftp_password_fails_the_job_readably_and_still_notifies()
    {
        var (client, tenant, group) = await TenantWithGroupAsync();
        await using var receiver = await CallbackReceiver.StartAsync();
        var email = $"badpw-{group}@example.com";
        var jobId = await JobPolling.SubmitAsync(client, $"/groups/{group}/process-ftp-folder",
            FtpRequest(fx.Ftp, receiver.Url.ToString(), email, password: "not-the-password"));
        var job = await JobPolling.WaitForEndAsync(client, jobId, JobTimeout);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = job.GetProperty("error").GetString()!;
        Assert.Contains("FTP login failed for user 'face$user'", error);
        Assert.DoesNotContain("not-the-password", error);
        var callback = (await receiver.WaitAsync(TimeSpan.FromSeconds(20))).RootElement;
        Assert.Equal("failed", callback.GetProperty("status").GetString());
        Assert.Contains("FTP login failed", callback.GetProperty("error").GetString());
        var mail = await fx.Smtp.WaitForMessageAsync(email, TimeSpan.FromSeconds(20));
        Assert.Contains("FTP login failed", mail.TextBody);
        Assert.DoesNotContain("not-the-password", mail.TextBody);
        Assert.True(fx.Ingestion.Logs.Contains(jobId), "the worker logs the job");
        Assert.False(fx.Ingestion.Logs.Contains("not-the-password"), "the password was logged");
        Assert.False(await fx.Redis.Db.KeyExistsAsync(JobKeys.Secret(tenant, jobId)));
    }
}
