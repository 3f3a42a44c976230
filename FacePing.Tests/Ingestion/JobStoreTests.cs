using FacePing.Core.Jobs;
using FacePing.Core.Secrets;
using Microsoft.AspNetCore.DataProtection;
using FacePing.Tests.Infrastructure;
using StackExchange.Redis;

namespace FacePing.Tests.Ingestion;

public sealed class JobStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private JobStore Store() => new(ConnectionMultiplexer.Connect(redis.ConnectionString), TimeProvider.System,
        new SecretSealer(new EphemeralDataProtectionProvider()));

    private static JobDefinition Definition(string tenant, DateTimeOffset? created = null) => new(
        JobStore.NewJobId(), tenant, "staff", JobSource.Ftp, created ?? DateTimeOffset.UtcNow, null, null,
        "127.0.0.1", 21, "bob", "/photos");

    [Fact]
    public async Task A_file_finished_twice_is_counted_once_and_its_failure_replaced()
    {
        var store = Store();
        var job = Definition("t1");
        await store.CreateAsync(job, new JobSecret(FtpPassword: "pw"));
        await store.MarkRunningAsync("t1", job.JobId, 3);

        Assert.True(await store.RecordFileAsync("t1", job.JobId, "/photos/a.jpg", null));
        Assert.False(await store.RecordFileAsync("t1", job.JobId, "/photos/a.jpg", null)); // re-run after a crash
        Assert.True(await store.RecordFileAsync("t1", job.JobId, "/photos/b.jpg",
            new JobFailure("b.jpg", "/photos/b.jpg", "no face found")));
        Assert.False(await store.RecordFileAsync("t1", job.JobId, "/photos/b.jpg",
            new JobFailure("b.jpg", "/photos/b.jpg", "no face found")));

        var view = (await store.GetAsync("t1", job.JobId))!;
        Assert.Equal(JobStatus.Running, view.Status);
        Assert.Equal(3, view.TotalFiles);
        Assert.Equal(2, view.Processed);
        Assert.Equal(1, view.SuccessCount);
        Assert.Equal([new JobFailure("b.jpg", "/photos/b.jpg", "no face found")], view.Failed);
        Assert.Equal(["/photos/a.jpg", "/photos/b.jpg"], (await store.GetDoneFilesAsync("t1", job.JobId)).Order());
    }

    [Fact]
    public async Task Faces_of_a_photo_are_counted_once_with_the_photo_and_the_view_names_the_choice()
    {
        var store = Store();
        var job = Definition("t5") with { Faces = FacePing.Core.Faces.FaceChoice.All };
        await store.CreateAsync(job, new JobSecret(FtpPassword: "pw"));
        await store.MarkRunningAsync("t5", job.JobId, 2);

        Assert.True(await store.RecordFileAsync("t5", job.JobId, "/a.jpg", null, facesStored: 7, facesRejected: 3));
        Assert.False(await store.RecordFileAsync("t5", job.JobId, "/a.jpg", null, facesStored: 7, facesRejected: 3));
        Assert.True(await store.RecordFileAsync("t5", job.JobId, "/b.jpg",
            new JobFailure("b.jpg", "/b.jpg", "face 12 px is below 20 px"), facesStored: 0, facesRejected: 1));

        var view = (await store.GetAsync("t5", job.JobId))!;
        Assert.Equal((1, 7, 4, "all"), (view.SuccessCount, view.FacesStored, view.FacesRejected, view.Faces));
        Assert.Equal("largest", (await store.GetAsync("t1", (await CreatedAsync(store, "t1")).JobId))!.Faces);
    }

    private static async Task<JobDefinition> CreatedAsync(JobStore store, string tenant)
    {
        var job = Definition(tenant);
        await store.CreateAsync(job, new JobSecret(FtpPassword: "pw"));
        return job;
    }

    [Fact]
    public async Task Credentials_live_in_their_own_expiring_key_and_the_job_hash_never_holds_them()
    {
        var store = Store();
        var job = Definition("t2");
        await store.CreateAsync(job, new JobSecret(FtpPassword: "hunter2-secret"));

        var ttl = await redis.Db.KeyTimeToLiveAsync(JobKeys.Secret("t2", job.JobId));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(2), JobStore.SecretLifetime);
        var hash = await redis.Db.HashGetAllAsync(JobKeys.Job("t2", job.JobId));
        Assert.DoesNotContain(hash, e => e.Value.ToString().Contains("hunter2-secret"));
        Assert.Equal("hunter2-secret", (await store.GetSecretAsync("t2", job.JobId))!.FtpPassword);
        Assert.DoesNotContain("hunter2", new JobSecret(FtpPassword: "hunter2").ToString());

        await store.FinishAsync("t2", job.JobId, JobStatus.Completed, null);
        await store.DeleteSecretAsync("t2", job.JobId);
        Assert.Null(await store.GetSecretAsync("t2", job.JobId));
        var view = (await store.GetAsync("t2", job.JobId))!;
        Assert.Equal(JobStatus.Completed, view.Status);
        Assert.NotNull(view.CompletedAt);
        Assert.False(await redis.Db.KeyExistsAsync(JobKeys.Done("t2", job.JobId)));
        var retention = await redis.Db.KeyTimeToLiveAsync(JobKeys.Job("t2", job.JobId));
        Assert.InRange(retention!.Value, JobStore.FinishedJobRetention - TimeSpan.FromMinutes(1),
            JobStore.FinishedJobRetention);
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_per_tenant_and_queued_on_the_stream()
    {
        var store = Store();
        var now = DateTimeOffset.UtcNow;
        var older = Definition("t3", now.AddMinutes(-5));
        var newer = Definition("t3", now);
        await store.CreateAsync(older, new JobSecret(FtpPassword: "x"));
        await store.CreateAsync(newer, new JobSecret(FtpPassword: "x"));
        await store.CreateAsync(Definition("t4"), new JobSecret(FtpPassword: "x"));

        Assert.Equal([newer.JobId, older.JobId], (await store.ListAsync("t3", 10)).Select(j => j.JobId));
        Assert.Equal([newer.JobId], (await store.ListAsync("t3", 1)).Select(j => j.JobId));
        Assert.Null(await store.GetAsync("t4", newer.JobId));
        var entries = await redis.Db.StreamRangeAsync(JobKeys.Stream);
        Assert.Contains(entries, e => e["tenant"] == "t3" && e["jobId"] == older.JobId);
    }

    [Fact]
    public void Vector_ids_are_deterministic_uuids_that_differ_by_every_part()
    {
        var id = IngestedVectorId.For("t", "g", "ftp", "/a.jpg");
        Assert.Equal(id, IngestedVectorId.For("t", "g", "ftp", "/a.jpg"));
        Assert.True(Guid.TryParse(id, out var guid));
        Assert.Equal(8, guid.Version);
        Assert.NotEqual(id, IngestedVectorId.For("t2", "g", "ftp", "/a.jpg"));
        Assert.NotEqual(id, IngestedVectorId.For("t", "g2", "ftp", "/a.jpg"));
        Assert.NotEqual(id, IngestedVectorId.For("t", "g", "drive", "/a.jpg"));
        Assert.NotEqual(id, IngestedVectorId.For("t", "g", "ftp", "/b.jpg"));
    }
}
