using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Jobs;
using FacePing.Core.Storage;
using FacePing.Tests.Faces;
using FacePing.Tests.Ingestion.EndToEnd;
using FacePing.Tests.Ingestion.Fakes;
using static FacePing.Tests.Api.ApiTestData;
using static FacePing.Tests.Faces.FaceRequests;

namespace FacePing.Tests.OnRedisCluster;

/// <summary>A folder import submitted on one Api host, run by the worker, followed and searched on the other.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterIngestionTests(ClusterFixture fx)
{
    [Fact]
    public async Task Ftp_import_submitted_on_one_api_completes_and_its_faces_are_found_on_the_other()
    {
        // The job stream is one key on one master; the tenant is put on another, so submitting a job writes to two
        // nodes.
        var streamPort = await fx.Redis.MasterPortOfAsync(JobKeys.Stream);
        var port = fx.Redis.Ports.First(p => p != streamPort);
        var (tenant, a, b) = await fx.TenantClientsAsync(port, "ingest");
        await CreateGroup(a, "imported");

        var jobId = await JobPolling.SubmitAsync(a, "/groups/imported/process-ftp-folder", new
        {
            host = "127.0.0.1", port = fx.Ftp.Port, username = fx.Ftp.User, password = fx.Ftp.Password,
            folderPath = "/",
        });
        Assert.Equal([port], await fx.Redis.NodesHoldingAsync(JobKeys.Job(tenant, jobId)));
        var job = await JobPolling.WaitForEndAsync(b, jobId, TimeSpan.FromSeconds(90));

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(fx.FtpImages.Count, job.GetProperty("totalFiles").GetInt32());
        Assert.Equal(fx.FtpImages.Count, job.GetProperty("processed").GetInt32());
        Assert.Equal(fx.FtpImages.Count, job.GetProperty("successCount").GetInt32());
        Assert.Empty(job.GetProperty("failed").EnumerateArray());
        Assert.Equal([jobId],
            (await b.GetFromJsonAsync<JsonElement[]>("/jobs"))!.Select(j => j.GetProperty("jobId").GetString()));
        Assert.False(await fx.Redis.Db.KeyExistsAsync(JobKeys.Secret(tenant, jobId)), "credentials outlived the job");

        // Exactly the folder's faces, under their derived ids, listed through B.
        string IdOf(string fileName) => IngestedVectorId.For(tenant, "imported", "ftp", "/" + fileName);
        var expected = fx.FtpImages.Select(IdOf).Order(StringComparer.Ordinal);
        Assert.Equal(expected, (await b.GetFromJsonAsync<string[]>("/groups/imported/vectors"))!);
        Assert.Equal([port],
            await fx.Redis.NodesHoldingAsync((string)new StoreKeys(tenant).Vector(IdOf("statham.jpg"))!));

        // B recognises imported people from other photos of them (other crops of bald_guys.jpg).
        foreach (var (fileName, person, crop) in ClusterFixture.CroppedFaces)
        {
            var other = FacesFixture.Crop(person, crop + 2);
            using var response = await b.PostAsync("/groups/imported/faces/search?topK=1", Form(("queryImage", other)));
            var hit = Assert.Single((await Json(response)).EnumerateArray());
            Assert.Equal(IdOf(fileName), hit.GetProperty("id").GetString());
            var metadata = hit.GetProperty("metadata");
            Assert.Equal(fileName, metadata.GetProperty("fileName").GetString());
            Assert.Equal(jobId, metadata.GetProperty("jobId").GetString());
            Assert.Equal("ftp", metadata.GetProperty("source").GetString());
        }
        // And a whole photo of the folder finds its own face, exactly.
        var cruise = IngestFolder.FacePhotos[2];
        using (var response = await b.PostAsync("/groups/imported/faces/search?topK=1",
            Form(("queryImage", fx.Folder.Read(cruise)))))
        {
            var hit = Assert.Single((await Json(response)).EnumerateArray());
            Assert.Equal(IdOf(cruise), hit.GetProperty("id").GetString());
            Assert.True(hit.GetProperty("score").GetDouble() > 0.999, hit.ToString());
        }
    }
}
