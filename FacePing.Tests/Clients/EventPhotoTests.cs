using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FacePing.Client;
using FacePing.Core.Jobs;
using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Clients;

/// <summary>
/// Issue 22 through the .NET client, as an event organiser uses it: a folder of group photos imported with
/// <c>faces=all</c> over a real FTP server and worker on the real models, every face findable, one selfie answered
/// per photo; re-imports replace a photo's faces; the faces choice validated on every entry point.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class EventPhotoTests(ClientFixture fx)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task An_event_imported_with_all_stores_every_face_and_a_selfie_finds_exactly_its_persons_photos()
    {
        using var photos = new EventPhotos();
        await using var ftp = await FtpTestServer.StartAsync(photos.Path);
        var key = await fx.NewTenantAsync();
        using var client = await fx.TenantClientAsync(key.Key);
        var group = "event-" + Guid.NewGuid().ToString("N")[..8];
        await client.Groups.CreateAsync(group);
        var import = new FtpImport
        {
            Host = "127.0.0.1", Port = ftp.Port, Username = ftp.User, Password = ftp.Password,
            Faces = FaceChoices.All,
        };

        var accepted = await client.Jobs.StartFtpImportAsync(group, import);
        var job = await client.Jobs.WaitAsync(accepted.JobId, TimeSpan.FromMilliseconds(200))
            .WaitAsync(JobTimeout);

        Assert.Equal(FacePing.Client.JobStatus.Completed, job.Status);
        Assert.Equal(FaceChoices.All, job.Faces);
        Assert.Equal(7, job.TotalFiles);
        Assert.Equal(6, job.SuccessCount);
        var failure = Assert.Single(job.Failed);
        Assert.Equal((EventPhotos.NoFace, "no face found"), (failure.FileName, failure.Error));
        var stored = await FacesByPhotoAsync(client, group);
        Assert.Equal(job.FacesStored, stored.Values.Sum(f => f.Count));
        Assert.Equal(job.FacesStored, (await client.Groups.ListVectorIdsAsync(group, 1000)).Count);

        // The group photo: each of the 24 labelled faces stored exactly once, under ids derived from the photo, with
        // its box and index. The detector finds 24 faces here; the bystander behind them (19 px) is under the 20 px
        // bar, so nothing but the four people's faces is stored, and whatever the gate rejected is counted.
        var whole = stored[EventPhotos.Whole];
        var photoId = IngestedVectorId.For(key.TenantId, group, "ftp", "/" + EventPhotos.Whole);
        Assert.Equal(24, whole.Count);
        Assert.Equal(Enumerable.Range(0, whole.Count), whole.Select(f => int.Parse(f.Metadata["faceIndex"])).Order());
        Assert.All(whole, f =>
        {
            Assert.Equal(photoId, f.Metadata["photoId"]);
            Assert.Equal(IngestedVectorId.ForFace(photoId, int.Parse(f.Metadata["faceIndex"])), f.Id);
            Assert.Equal("/" + EventPhotos.Whole, f.Metadata["fileId"]);
        });
        var centres = whole.Select(f => Centre(f.Metadata["faceBox"])).ToList();
        Assert.All(FaceLabels.BaldGuys, label => Assert.Single(centres, c => Inside(c, label)));
        // Every detected face is either stored or counted as rejected (none of these photos exceeds 100 faces).
        var detected = 0;
        foreach (var name in stored.Keys)
            detected += (await client.Faces.DetectAsync(FaceImage.FromFile(photos.File(name)))).FaceCount;
        Assert.Equal(detected - job.FacesStored, job.FacesRejected);

        // The selfie finds exactly the photos Statham is in, one row each, best first, with his face boxed.
        var page = await client.Faces.SearchPhotosAsync(group, FaceImage.FromBytes(EventPhotos.Selfie, "me.jpg"));
        Assert.Equal(EventPhotos.WithStatham, page.Photos.Select(p => p.FileName!).Order(StringComparer.Ordinal));
        Assert.Null(page.NextOffset);
        Assert.All(page.Photos, p => Assert.True(p.IsMatch));
        Assert.Equal(page.Photos.Select(p => p.Score).OrderDescending(), page.Photos.Select(p => p.Score));
        var best = Assert.Single(page.Photos, p => p.FileName == EventPhotos.Whole);
        Assert.Equal(photoId, best.PhotoId);
        var statham0 = FaceLabels.BaldGuys.First(l => l.Person == "Statham");
        Assert.True(Inside((best.Box!.X + best.Box.Width / 2f, best.Box.Y + best.Box.Height / 2f), statham0));

        // Re-import after the folder changed: the group photo now shows two faces, and a photo of Johnson none.
        // Each photo's faces are replaced: the 22 faces the group photo no longer yields are gone, no duplicates.
        await File.WriteAllBytesAsync(photos.File(EventPhotos.Whole), EventPhotos.Region(800, 0, 1100, 650));
        File.Copy(RepoPaths.Face(EventPhotos.NoFace), photos.File(EventPhotos.JohnsonRight), overwrite: true);
        var again = await client.Jobs.StartFtpImportAsync(group, import);
        var rerun = await client.Jobs.WaitAsync(again.JobId, TimeSpan.FromMilliseconds(200)).WaitAsync(JobTimeout);

        Assert.Equal(5, rerun.SuccessCount);
        var after = await FacesByPhotoAsync(client, group);
        Assert.Equal(2, after[EventPhotos.Whole].Count);
        Assert.Equal([photoId, IngestedVectorId.ForFace(photoId, 1)],
            after[EventPhotos.Whole].Select(f => f.Id).Order(StringComparer.Ordinal)
                .OrderBy(id => id == photoId ? 0 : 1));
        Assert.False(after.ContainsKey(EventPhotos.JohnsonRight));
        foreach (var name in after.Keys.Except([EventPhotos.Whole]))
            Assert.Equal(stored[name].Select(f => f.Id).Order(), after[name].Select(f => f.Id).Order());
        Assert.Equal(rerun.FacesStored, (await client.Groups.ListVectorIdsAsync(group, 1000)).Count);
        Assert.All(after.Values.SelectMany(f => f), f => Assert.Equal(again.JobId, f.Metadata["jobId"]));
    }

    [Fact]
    public async Task Storing_every_face_of_a_photo_answers_each_face_and_photos_search_pages_one_row_per_photo()
    {
        using var client = await fx.TenantClientAsync();
        var group = "photos-" + Guid.NewGuid().ToString("N")[..8];
        await client.Groups.CreateAsync(group);

        var photo = await client.Faces.StorePhotoAsync(group, FaceImage.FromFile(RepoPaths.Face("bald_guys.jpg")),
            new StoreFaceOptions { Metadata = new Dictionary<string, string> { ["event"] = "premiere" } });
        Assert.Equal(24, photo.Faces.Count);
        Assert.Equal(photo.FaceCount, photo.Faces.Count + photo.Rejected.Count);
        Assert.Equal(Enumerable.Range(0, 24), photo.Faces.Select(f => f.Index));
        Assert.All(photo.Rejected, r => Assert.NotEmpty(r.Reasons));
        var stored = await client.Vectors.GetAsync(photo.Faces[5].Id);
        Assert.Equal(photo.PhotoId, stored.Metadata["photoId"]);
        Assert.Equal("5", stored.Metadata["faceIndex"]);
        var box = photo.Faces[5].Face.Box;
        Assert.Equal($"{box.X},{box.Y},{box.Width},{box.Height}", stored.Metadata["faceBox"]);
        Assert.Equal("premiere", stored.Metadata["event"]);

        // Two faces stored the original way (largest, no photo): each is a photo of its own.
        var single = await client.Faces.StoreAsync(group, FaceImage.FromFile(fx.StathamB));
        var other = await client.Faces.StoreAsync(group, FaceImage.FromFile(fx.Diesel));

        // Every row above -1 (the whole group), a page of one at a time: three photos, never one twice.
        var selfie = FaceImage.FromFile(fx.StathamA);
        var all = await client.Faces.SearchPhotosAsync(group, selfie, new PhotoSearchOptions { MinScore = -1 });
        Assert.Equal(3, all.Photos.Count);
        Assert.Null(all.NextOffset);
        Assert.Equal([photo.PhotoId, single.Id, other.Id], all.Photos.Select(p => p.PhotoId).Order()
            .OrderBy(id => id == photo.PhotoId ? 0 : id == single.Id ? 1 : 2));
        var lone = Assert.Single(all.Photos, p => p.PhotoId == single.Id);
        Assert.Equal((single.Id, (int?)null, (FaceBox?)null), (lone.FaceId, lone.FaceIndex, lone.Box));
        var paged = new List<PhotoHit>();
        int? offset = 0;
        while (offset is { } next)
        {
            var page = await client.Faces.SearchPhotosAsync(group, selfie,
                new PhotoSearchOptions { MinScore = -1, Limit = 1, Offset = next });
            Assert.True(page.Photos.Count == 1, $"page at {next} has {page.Photos.Count} rows");
            paged.AddRange(page.Photos);
            offset = page.NextOffset;
        }
        Assert.Equal(all.Photos.Select(p => (p.PhotoId, p.FaceId)), paged.Select(p => (p.PhotoId, p.FaceId)));

        // At the match threshold (the default): the group photo (Statham's faces) and his single face, not Diesel.
        var matches = await client.Faces.SearchPhotosAsync(group, selfie);
        Assert.Equal([photo.PhotoId, single.Id], matches.Photos.Select(p => p.PhotoId).Order()
            .OrderBy(id => id == photo.PhotoId ? 0 : 1));
        var inPhoto = Assert.Single(matches.Photos, p => p.PhotoId == photo.PhotoId);
        Assert.Equal(photo.Faces[inPhoto.FaceIndex!.Value].Id, inPhoto.FaceId);
        Assert.Equal(photo.Faces[inPhoto.FaceIndex.Value].Face.Box, inPhoto.Box);
    }

    [Fact]
    public async Task A_base64_photo_stores_every_face_as_the_uploaded_photo_does()
    {
        using var client = await fx.TenantClientAsync();
        var group = "base64-" + Guid.NewGuid().ToString("N")[..8];
        await client.Groups.CreateAsync(group);
        var bytes = await File.ReadAllBytesAsync(RepoPaths.Face("bald_guys.jpg"));

        var uploaded = await client.Faces.StorePhotoAsync(group, FaceImage.FromBytes(bytes, "bald_guys.jpg"));
        var sent = await client.Faces.StorePhotoBase64Async(group,
            "data:image/jpeg;base64," + Convert.ToBase64String(bytes),
            new StoreFaceOptions { Metadata = new Dictionary<string, string> { ["event"] = "premiere" } });
        // The same faces, boxes and rejections: one photo, whichever way it came.
        Assert.Equal(24, sent.Faces.Count);
        Assert.Equal(uploaded.Faces.Select(f => f.Face.Box), sent.Faces.Select(f => f.Face.Box));
        Assert.Equal(uploaded.Rejected.Select(r => (r.Face.Box, string.Join(",", r.Reasons))),
            sent.Rejected.Select(r => (r.Face.Box, string.Join(",", r.Reasons))));
        Assert.NotEqual(uploaded.PhotoId, sent.PhotoId);
        var stored = await client.Vectors.GetAsync(sent.Faces[3].Id);
        Assert.Equal(("base64", sent.PhotoId, "3", "premiere"), (stored.Metadata["source"],
            stored.Metadata["photoId"], stored.Metadata["faceIndex"], stored.Metadata["event"]));
        Assert.Equal(48, (await client.Groups.ListVectorIdsAsync(group, 1000)).Count);
    }

    [Fact]
    public async Task An_unknown_faces_choice_is_a_400_listing_the_allowed_values_on_every_entry_point()
    {
        var key = await fx.NewTenantAsync();
        using var client = await fx.TenantClientAsync(key.Key);
        var group = "choice-" + Guid.NewGuid().ToString("N")[..8];
        await client.Groups.CreateAsync(group);
        const string Allowed = "faces must be one of: largest, all.";

        var ftp = await Assert.ThrowsAsync<FacePingException>(() => client.Jobs.StartFtpImportAsync(group,
            fx.FtpImport() with { Faces = "everyone" }));
        Assert.Equal(400, ftp.Status);
        Assert.Equal([Allowed], ftp.ErrorsFor("faces"));

        var drive = await Assert.ThrowsAsync<FacePingException>(() => client.Jobs.StartDriveImportAsync(group,
            new DriveImport { FolderId = "1DriveFolder_fixture-A", ServiceAccountKey = "{}", Faces = "All" }));
        Assert.Equal(400, drive.Status);
        Assert.Equal([Allowed], drive.ErrorsFor("faces"));

        // POST /face as any HTTP client sends it: the choice is a query parameter of the multipart upload.
        using var http = new HttpClient { BaseAddress = fx.ApiUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(await File.ReadAllBytesAsync(fx.StathamA)), "image", "a.jpg" },
        };
        using var response = await http.PostAsync($"/groups/{group}/face?faces=every", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Allowed, problem.GetProperty("errors").GetProperty("faces")[0].GetString());
        using var base64 = await http.PostAsync($"/groups/{group}/face/base64?faces=every", new StringContent(
            $"{{\"base64Image\":\"{Convert.ToBase64String(await File.ReadAllBytesAsync(fx.StathamA))}\"}}",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, base64.StatusCode);
        problem = JsonDocument.Parse(await base64.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Allowed, problem.GetProperty("errors").GetProperty("faces")[0].GetString());
        Assert.Empty(await client.Groups.ListVectorIdsAsync(group));
    }

    private static async Task<Dictionary<string, List<MetadataMatch>>> FacesByPhotoAsync(FacePingClient client,
        string group) =>
        (await client.Vectors.FindByMetadataAsync(new Dictionary<string, string>(), group, 1000))
            .GroupBy(m => m.Metadata["fileName"]).ToDictionary(g => g.Key, g => g.ToList());

    private static (float X, float Y) Centre(string box)
    {
        var p = box.Split(',').Select(int.Parse).ToArray();
        return (p[0] + p[2] / 2f, p[1] + p[3] / 2f);
    }

    private static bool Inside((float X, float Y) c, FaceLabels.LabelledFace label) =>
        c.X >= label.X1 && c.X <= label.X2 && c.Y >= label.Y1 && c.Y <= label.Y2;
}
