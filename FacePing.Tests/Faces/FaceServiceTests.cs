using FacePing.Core.Faces;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FacePing.Tests.Faces;

/// <summary>
/// The face service the Api and the worker share, on the real models and a real Redis: choosing every face of a
/// group photo, storing one vector per accepted face and reporting the others.
/// </summary>
[Collection(FacesCollection.Name)]
public sealed class FaceServiceTests(FacesFixture fixture)
{
    private static readonly byte[] GroupPhoto = File.ReadAllBytes(RepoPaths.Face("bald_guys.jpg"));

    private FaceService Faces => fixture.Api.Services.GetRequiredService<FaceService>();

    private FaceStore Store => fixture.Api.Services.GetRequiredService<FaceStore>();

    [Fact]
    public async Task All_stores_one_vector_per_face_over_the_bar_and_reports_the_others()
    {
        var tenant = Guid.NewGuid().ToString("N");
        await Store.CreateGroupAsync(tenant, "event");
        var photo = new FaceImage(GroupPhoto, "image");
        // A bar just under the best quality of the photo's 24 faces splits them: the best pass, the others do not.
        var scores = (await Faces.DetectAsync(photo)).Faces.Select(f => f.Quality!.Score).OrderDescending().ToArray();
        Assert.Equal(24, scores.Length);
        var passing = Array.FindIndex(scores, s => s < scores[0]);
        Assert.InRange(passing, 1, 23);
        var bar = (scores[passing - 1] + scores[passing]) / 2.0;

        var selection = await Faces.SelectAsync(photo, FaceChoice.All, bar);

        Assert.Equal(24, selection.FaceCount);
        Assert.Equal(passing, selection.Accepted.Count);
        Assert.Equal(24 - passing, selection.Rejected.Count);
        Assert.All(selection.Accepted, f =>
        {
            Assert.True(f.Quality!.Score >= bar);
            Assert.Equal(FaceModel.Dimensions, f.Embedding!.Length);
        });
        var areas = selection.Accepted.Select(f => f.Area).ToArray();
        Assert.Equal(areas.OrderDescending(), areas);
        Assert.All(selection.Rejected, r =>
        {
            Assert.True(r.IsLowQuality);
            Assert.True(r.Face.Quality!.Score < bar);
            Assert.NotEmpty(r.Reasons);
            Assert.StartsWith("face quality ", r.Describe());
        });

        var ids = await Faces.StoreAsync(tenant, "event", selection,
            (embedding, i) => new VectorWrite(embedding, null, VectorSources.Image, $"photo-1.face-{i}"));

        Assert.Equal(Enumerable.Range(0, passing).Select(i => $"photo-1.face-{i}"), ids);
        var group = await Store.GetGroupAsync(tenant, "event");
        Assert.Equal(passing, group!.VectorCount);
        Assert.Equal(FaceModel.Name, group.Model);
        var first = await Store.GetVectorAsync(tenant, ids[0]);
        // A face vector is kept in half precision (FacePing:Store:VectorPrecision auto): each component within 2^-11 of
        // the unit vector's, the direction unchanged to 1e-5.
        var embedding = selection.Accepted[0].Embedding;
        Assert.NotNull(embedding);
        Assert.NotNull(first);
        Assert.Equal(embedding.Length, first.Vector.Length);
        Assert.All(embedding.Zip(first.Vector), p => Assert.True(Math.Abs(p.First - p.Second) <= 1.0 / 2048,
            $"{p.First} stored as {p.Second}"));
        Assert.True(Core.Vectors.VectorMath.Cosine(embedding, first.Vector) > 0.99999);
    }

    [Fact]
    public async Task Largest_takes_the_first_face_and_a_photo_without_faces_stores_nothing()
    {
        var tenant = Guid.NewGuid().ToString("N");
        await Store.CreateGroupAsync(tenant, "g");
        var largest = await Faces.SelectAsync(new FaceImage(GroupPhoto), FaceChoice.Largest, 0);
        var all = await Faces.SelectAsync(new FaceImage(GroupPhoto), FaceChoice.All, 0);
        Assert.Equal(24, largest.FaceCount);
        var chosen = Assert.Single(largest.Accepted);
        Assert.Contains(chosen.Box, all.Accepted.Select(f => f.Box));
        Assert.Equal(24, all.Accepted.Count);

        var dogs = new FaceImage(File.ReadAllBytes(RepoPaths.Face("dogs.jpg")), "photo");
        var none = await Faces.SelectAsync(dogs, FaceChoice.All, 0);
        Assert.Empty(none.Accepted);
        Assert.Empty(await Faces.StoreAsync(tenant, "g", none,
            (embedding, _) => new VectorWrite(embedding, null, VectorSources.Image)));
        Assert.Equal(0, (await Store.GetGroupAsync(tenant, "g"))!.VectorCount);
        var e = await Assert.ThrowsAsync<NoFaceException>(() => Faces.LargestFaceAsync(dogs));
        Assert.Equal("photo", e.Field);
    }
}
