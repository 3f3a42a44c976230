using FacePing.Client;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Clients;

/// <summary>Every method of FacePing.Client against the real Api, and the problems it maps.</summary>
[Collection(ClientCollection.Name)]
public sealed class FacePingClientTests(ClientFixture fx)
{
    private static string NewGroup() => "g-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Keys_and_webhook_secrets_are_managed_with_the_admin_key()
    {
        using var admin = fx.AdminClient();
        var created = await admin.Admin.CreateKeyAsync("client keys");
        Assert.StartsWith("whsec_", created.WebhookSecret);
        var second = await admin.Admin.CreateKeyAsync("second", created.TenantId);
        Assert.Equal(created.TenantId, second.TenantId);
        Assert.Null(second.WebhookSecret); // the tenant's secret is shown once, to its first key

        var listed = (await admin.Admin.ListKeysAsync()).Single(k => k.Id == created.Id);
        Assert.Equal("client keys", listed.Name);
        Assert.False(listed.Revoked);
        Assert.True(listed.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-5));

        var rotated = await admin.Admin.RotateWebhookSecretAsync(created.Id);
        Assert.Equal(created.TenantId, rotated.TenantId);
        Assert.NotEqual(created.WebhookSecret, rotated.WebhookSecret);
        using (var tenant = await fx.TenantClientAsync(created.Key))
        {
            var own = await tenant.Webhooks.RotateSecretAsync();
            Assert.StartsWith("whsec_", own.WebhookSecret);
            Assert.NotEqual(rotated.WebhookSecret, own.WebhookSecret);
            // A tenant key is not the admin key.
            var forbidden = await Assert.ThrowsAsync<FacePingException>(() => tenant.Admin.ListKeysAsync());
            Assert.Equal(403, forbidden.Status);
        }

        await admin.Admin.RevokeKeyAsync(second.Id);
        Assert.True((await admin.Admin.ListKeysAsync()).Single(k => k.Id == second.Id).Revoked);
        using var revoked = await fx.TenantClientAsync(second.Key);
        Assert.Equal(401, (await Assert.ThrowsAsync<FacePingException>(() => revoked.Groups.ListAsync())).Status);
        var missing = await Assert.ThrowsAsync<FacePingException>(() => admin.Admin.RevokeKeyAsync("no-such-key"));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task Groups_and_vectors_round_trip()
    {
        using var client = await fx.TenantClientAsync();
        var group = NewGroup();
        var created = await client.Groups.CreateAsync(group);
        Assert.Equal(group, created.Name);
        Assert.Equal(0, created.VectorCount);

        var ada = await client.Vectors.StoreAsync(group, new float[] { 1, 0, 0 },
            new Dictionary<string, string> { ["name"] = "Ada", ["floor"] = "3" });
        Assert.Equal(group, ada.GroupName);
        var ids = await client.Vectors.UpsertAsync(group,
        [
            new VectorUpsert(new float[] { 0.6f, 0.8f, 0 }, new Dictionary<string, string> { ["name"] = "Bob" }),
            new VectorUpsert(new float[] { 0, 0, 1 }, Id: "carol-1"),
            new VectorUpsert(new float[] { 0.9f, 0.1f, 0 }, new Dictionary<string, string> { ["name"] = "Ada" }),
        ]);
        Assert.Equal(3, ids.Count);
        Assert.Equal("carol-1", ids[1]);

        var stored = await client.Vectors.GetAsync(ada.Id);
        Assert.Equal([1f, 0f, 0f], stored.ToArray());
        Assert.Equal(3, stored.Dimensions);
        Assert.Equal("Ada", stored.Metadata["name"]);
        Assert.Equal("vector", stored.Metadata["source"]);

        var hits = await client.Vectors.SearchAsync(group, new float[] { 1, 0.05f, 0 },
            new VectorSearchOptions { TopK = 4 });
        Assert.Equal(ada.Id, hits[0].Id);
        Assert.Equal(4, hits.Count);
        var people = await client.Vectors.SearchAsync(group, new float[] { 1, 0.05f, 0 },
            new VectorSearchOptions { TopK = 4, GroupBy = "name" });
        Assert.Equal(["Ada", "Bob"], people.Select(h => h.Metadata["name"]));
        var onFloor = await client.Vectors.SearchAsync(group, new float[] { 0, 1, 0 },
            new VectorSearchOptions { Metadata = new Dictionary<string, string> { ["floor"] = "3" } });
        Assert.Equal(ada.Id, Assert.Single(onFloor).Id);

        var byName = await client.Vectors.FindByMetadataAsync(new Dictionary<string, string> { ["name"] = "Ada" },
            group);
        Assert.Equal(2, byName.Count);
        Assert.All(byName, m => Assert.Equal(group, m.GroupName));

        var comparison = await client.Vectors.CompareAsync(new float[] { 1, 0, 0 }, new float[] { 0.6f, 0.8f, 0 });
        Assert.Equal(0.6f, comparison.Similarity, 4);
        Assert.Equal(3, comparison.Dimensions);

        var page = await client.Groups.ListVectorIdsAsync(group, limit: 2);
        Assert.Equal(2, page.Count);
        var all = new List<string>();
        await foreach (var id in client.Groups.ListAllVectorIdsAsync(group, pageSize: 3)) all.Add(id);
        Assert.Equal(4, all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(4, (await client.Groups.ListAsync()).Single(g => g.Name == group).VectorCount);

        var deleted = await client.Groups.DeleteVectorsAsync(group, ["carol-1", "not-there"]);
        Assert.Equal(1, deleted.Deleted);
        Assert.Equal(["not-there"], deleted.NotFound);
        await client.Groups.DeleteAsync(group);
        Assert.DoesNotContain(await client.Groups.ListAsync(), g => g.Name == group);
    }

    [Fact]
    public async Task Faces_compare_detect_embed_store_search_and_identify()
    {
        using var client = await fx.TenantClientAsync();
        var same = await client.Faces.CompareAsync(FaceImage.FromFile(fx.StathamA), FaceImage.FromFile(fx.StathamB));
        Assert.True(same.IsMatch, $"similarity {same.Similarity} under {same.Threshold}");
        Assert.Equal(1, same.Face1.FaceCount);
        // Bytes and (seekable and unseekable) streams are images too.
        await using var stream = File.OpenRead(fx.Diesel);
        var other = await client.Faces.CompareAsync(await File.ReadAllBytesAsync(fx.StathamA), stream);
        Assert.False(other.IsMatch);

        var crowd = RepoPaths.Face("bald_guys.jpg");
        var detected = await client.Faces.DetectAsync(FaceImage.FromFile(crowd));
        Assert.True(detected.FaceCount >= 20, $"{detected.FaceCount} faces");
        Assert.NotNull(detected.Faces[0].Landmarks);
        Assert.True(detected.Faces[0].Quality!.Score > 0);

        var vector = await client.Faces.GenerateVectorAsync(new NonSeekableStream(await File.ReadAllBytesAsync(
            fx.StathamA)));
        Assert.Equal(vector.Dimensions, vector.ToArray().Length);
        Assert.False(string.IsNullOrEmpty(vector.Model));

        var group = NewGroup();
        await client.Groups.CreateAsync(group);
        var statham = await client.Faces.StoreAsync(group, FaceImage.FromFile(fx.StathamA),
            new StoreFaceOptions { Metadata = new Dictionary<string, string> { ["name"] = "Statham" } });
        Assert.Equal(1, statham.FaceCount);
        var base64 = Convert.ToBase64String(await File.ReadAllBytesAsync(fx.Diesel));
        var diesel = await client.Faces.StoreBase64Async(group, "data:image/jpeg;base64," + base64,
            new StoreFaceOptions { Metadata = new Dictionary<string, string> { ["name"] = "Diesel" } });
        Assert.Equal("Diesel", (await client.Vectors.GetAsync(diesel.Id)).Metadata["name"]);

        var hits = await client.Faces.SearchAsync(group, FaceImage.FromFile(fx.StathamB),
            new FaceSearchOptions { TopK = 2, GroupBy = "name" });
        Assert.Equal(statham.Id, hits[0].Id);
        Assert.Equal("Statham", hits[0].Metadata["name"]);

        var identified = await client.Faces.IdentifyAsync(group, FaceImage.FromFile(crowd),
            new IdentifyOptions { TopK = 1, MaxFaces = 30 });
        Assert.Equal(detected.FaceCount, identified.FaceCount);
        Assert.Contains(identified.Faces, f => f.Matches.Any(m => m.IsMatch && m.Metadata["name"] == "Statham"));

        // A face below the bar: 422 with the quality and its reasons as extension members.
        var tiny = Inference.TestImages.Shrink(await File.ReadAllBytesAsync(fx.StathamA), 0.12f);
        var low = await Assert.ThrowsAsync<FacePingException>(() =>
            client.Faces.StoreAsync(group, tiny, new StoreFaceOptions { MinQuality = 0.6 }));
        Assert.Equal(422, low.Status);
        Assert.Equal("Face quality too low", low.Title);
        Assert.True(low.Extensions["quality"].GetProperty("score").GetDouble() < 0.6);
        Assert.NotEmpty(low.Extensions["reasons"].EnumerateArray());
    }

    [Fact]
    public async Task A_folder_import_is_waited_for_and_its_faces_are_found_by_a_selfie()
    {
        using var client = await fx.TenantClientAsync();
        var group = NewGroup();
        await client.Groups.CreateAsync(group);
        var accepted = await client.Jobs.StartFtpImportAsync(group, fx.FtpImport());
        Assert.Equal(JobStatus.Queued, accepted.Status);
        Assert.Equal($"/jobs/{accepted.JobId}", accepted.StatusUrl);

        var seen = new List<Job>();
        var job = await client.Jobs.WaitAsync(accepted.JobId, TimeSpan.FromMilliseconds(200),
            new SynchronousProgress<Job>(seen.Add));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.True(job.IsFinished);
        Assert.Equal(IngestFolder.FacePhotos.Length, job.SuccessCount);
        Assert.Contains(job.Failed, f => f.FileName == IngestFolder.NoFacePhoto && f.Error == "no face found");
        Assert.NotNull(job.CompletedAt);
        Assert.Same(job, seen[^1]);
        Assert.Equal(accepted.JobId, (await client.Jobs.ListAsync(limit: 5))[0].JobId);

        var selfie = fx.Folder.Read(IngestFolder.FacePhotos[2]);
        var hit = (await client.Faces.SearchAsync(group, selfie, new FaceSearchOptions { TopK = 1 }))[0];
        Assert.Equal(IngestFolder.FacePhotos[2], hit.Metadata["fileName"]);
        Assert.Equal(accepted.JobId, hit.Metadata["jobId"]);
    }

    [Fact]
    public async Task A_drive_import_is_checked_and_accepted_like_the_curl_one()
    {
        using var client = await fx.TenantClientAsync();
        var group = NewGroup();
        await client.Groups.CreateAsync(group);
        var invalid = await Assert.ThrowsAsync<FacePingException>(() => client.Jobs.StartDriveImportAsync(group,
            new DriveImport { FolderId = "not a folder id!", ServiceAccountKey = "{}" }));
        Assert.Equal(400, invalid.Status);
        Assert.NotEmpty(invalid.ErrorsFor("folderId"));
        Assert.NotEmpty(invalid.ErrorsFor("serviceAccountKey"));
    }

    [Fact]
    public async Task A_cluster_job_groups_faces_into_people()
    {
        using var client = await fx.TenantClientAsync();
        var group = NewGroup();
        await client.Groups.CreateAsync(group);
        foreach (var photo in new[] { fx.StathamA, fx.StathamB, fx.Diesel })
            await client.Faces.StoreAsync(group, FaceImage.FromFile(photo));
        var accepted = await client.Clustering.StartAsync(group,
            new ClusterOptions { MinClusterSize = 2, WriteMetadataKey = "person" });
        var job = await client.Jobs.WaitAsync(accepted.JobId, TimeSpan.FromMilliseconds(200));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(1, job.ClusterCount);
        var cluster = Assert.Single(await client.Clustering.ListClustersAsync(accepted.JobId));
        Assert.Equal(1, cluster.ClusterId);
        Assert.Equal(2, cluster.Size);
        Assert.Equal("1", (await client.Vectors.GetAsync(cluster.Ids[0])).Metadata["person"]);
        Assert.Empty(await client.Clustering.ListClustersAsync(accepted.JobId, after: 1));
    }

    [Fact]
    public async Task Problems_become_one_exception_with_title_detail_type_and_field_errors()
    {
        using var client = await fx.TenantClientAsync();
        var missing = await Assert.ThrowsAsync<FacePingException>(() =>
            client.Faces.SearchAsync("no-such-group", FaceImage.FromFile(fx.StathamA)));
        Assert.Equal(404, missing.Status);
        Assert.Equal("Not found", missing.Title);
        Assert.Contains("no-such-group", missing.Detail);
        Assert.False(string.IsNullOrEmpty(missing.Type));
        Assert.Null(missing.RetryAfter);

        var group = NewGroup();
        await client.Groups.CreateAsync(group);
        var exists = await Assert.ThrowsAsync<FacePingException>(() => client.Groups.CreateAsync(group));
        Assert.Equal(409, exists.Status);

        var invalid = await Assert.ThrowsAsync<FacePingException>(() => client.Vectors.SearchAsync(group,
            new float[] { 1, 0 }, new VectorSearchOptions { TopK = 500, GroupBy = "not a key!" }));
        Assert.Equal(400, invalid.Status);
        Assert.Equal("Invalid request", invalid.Title);
        Assert.NotEmpty(invalid.ErrorsFor("topK"));
        Assert.NotEmpty(invalid.ErrorsFor("groupBy"));

        await client.Vectors.StoreAsync(group, new float[] { 1, 0, 0 });
        var dimensions = await Assert.ThrowsAsync<FacePingException>(() =>
            client.Vectors.StoreAsync(group, new float[] { 1, 0 }));
        Assert.Equal(3, dimensions.Extensions["expectedDimensions"].GetInt32());

        var noFace = await Assert.ThrowsAsync<FacePingException>(() =>
            client.Faces.GenerateVectorAsync(FaceImage.FromFile(RepoPaths.Face(IngestFolder.NoFacePhoto))));
        Assert.Equal(422, noFace.Status);
        Assert.Equal("image", noFace.Extensions["image"].GetString());
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>A stream that can only be read forwards, like a network body.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
