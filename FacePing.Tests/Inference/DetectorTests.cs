using FacePing.Contracts.Inference;
using FacePing.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FacePing.Tests.Inference;

[Collection(PipelineCollection.Name)]
public sealed class DetectorTests(PipelineFixture fixture, ITestOutputHelper output)
{
    private FaceAnalysis Analyze(string file, EmbedMode mode = EmbedMode.None) =>
        fixture.Pipeline.Analyze(File.ReadAllBytes(RepoPaths.Face(file)), mode);

    /// <summary>Every labelled face found, and nothing but faces: an extra must be a labelled bystander.</summary>
    [Fact]
    public void Finds_every_labelled_face_on_bald_guys_without_extras()
    {
        var analysis = Analyze("bald_guys.jpg");
        var matched = new HashSet<DetectedFace>();
        var found = 0;
        foreach (var label in FaceLabels.BaldGuys)
        {
            var face = FaceLabels.Match(label, analysis.Faces);
            if (face is null) output.WriteLine($"missed {label}");
            else
            {
                found++;
                matched.Add(face);
            }
        }
        var bystanders = FaceLabels.Bystanders.Select(b => FaceLabels.Match(b, analysis.Faces)).OfType<DetectedFace>()
            .ToHashSet();
        var extras = analysis.Faces.Count(f => !matched.Contains(f) && !bystanders.Contains(f));
        output.WriteLine($"recall {found}/{FaceLabels.BaldGuys.Count}, detections {analysis.FaceCount}, " +
            $"bystanders {bystanders.Count}, unmatched {extras}");

        Assert.Equal(24, FaceLabels.BaldGuys.Count);
        Assert.Equal(24, found);
        Assert.Equal(0, extras);
        // A bystander is never preferred over the people: it comes after them (largest first) and scores lower.
        Assert.All(bystanders, b => Assert.True(b.Confidence < matched.Min(f => f.Confidence)));
        Assert.Equal(analysis.Faces.Count, analysis.FaceCount);
        Assert.Equal((1986, 1545), (analysis.Width, analysis.Height));
    }

    [Fact]
    public void Finds_exactly_one_face_on_Tom_Cruise_with_landmarks_inside_it()
    {
        var analysis = Analyze("Tom_Cruise_avp_2014_4.jpg", EmbedMode.Largest);

        var face = Assert.Single(analysis.Faces);
        Assert.Equal(1, analysis.FaceCount);
        // Whole and confident: the face the API uses (YuNet scores clear faces 0.88–0.94).
        Assert.True(face.Confidence >= new FacePing.Inference.Options.ModelOptions().PreferredScore,
            $"confidence {face.Confidence}");
        Assert.Equal(5, face.Landmarks.Length);
        foreach (var p in face.Landmarks)
        {
            Assert.InRange(p[0], face.Box.X, face.Box.X + face.Box.Width);
            Assert.InRange(p[1], face.Box.Y, face.Box.Y + face.Box.Height);
        }
        // Eyes above the nose, the nose above the mouth, left eye on the left.
        Assert.True(face.Landmarks[0][0] < face.Landmarks[1][0]);
        Assert.True(face.Landmarks[0][1] < face.Landmarks[2][1] && face.Landmarks[2][1] < face.Landmarks[3][1]);
        Assert.Equal(FaceModel.Dimensions, face.Embedding!.Length);
        Assert.Equal(1f, MathF.Sqrt(face.Embedding.Sum(v => v * v)), 3);
    }

    /// <summary>
    /// Four dogs. YuNet scores the Pomeranian's face 0.77, over the threshold of small faces (0.7) but under that of
    /// faces this large (0.8): a pet is not a face.
    /// </summary>
    [Fact]
    public void Finds_no_face_on_dogs() => Assert.Equal(0, Analyze("dogs.jpg").FaceCount);

    // Counts checked by eye on the annotated photos: every visible frontal face, no false positive.
    [Theory]
    [InlineData("2007_007763.jpg", 7)]
    [InlineData("2008_001009.jpg", 2)]
    [InlineData("2008_001322.jpg", 3)]
    [InlineData("2008_002079.jpg", 6)]
    public void Finds_the_visible_faces_on_PASCAL_VOC_photos(string file, int expected)
    {
        var analysis = Analyze(file);
        output.WriteLine($"{file}: {analysis.FaceCount} faces, " +
            $"confidences {string.Join(", ", analysis.Faces.Select(f => f.Confidence.ToString("F3")))}");
        Assert.Equal(expected, analysis.FaceCount);
    }

    [Fact]
    public void Faces_come_largest_first()
    {
        var areas = Analyze("bald_guys.jpg").Faces.Select(f => f.Box.Width * f.Box.Height).ToArray();
        Assert.Equal(areas.OrderByDescending(a => a), areas);
    }

    [Fact]
    public void Embed_mode_controls_which_faces_get_embeddings()
    {
        var bytes = File.ReadAllBytes(RepoPaths.Face("2008_001322.jpg"));
        var all = fixture.Pipeline.Analyze(bytes, EmbedMode.All);
        var largest = fixture.Pipeline.Analyze(bytes, EmbedMode.Largest);
        var none = fixture.Pipeline.Analyze(bytes, EmbedMode.None);

        Assert.All(all.Faces, f => Assert.NotNull(f.Embedding));
        Assert.NotNull(largest.Faces[0].Embedding);
        Assert.All(largest.Faces.Skip(1), f => Assert.Null(f.Embedding));
        Assert.All(none.Faces, f => Assert.Null(f.Embedding));
        Assert.True(FaceLabels.Cosine(all.Faces[0].Embedding!, largest.Faces[0].Embedding!) > 0.9999f);
    }
}
