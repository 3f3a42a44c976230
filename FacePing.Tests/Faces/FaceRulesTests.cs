using FacePing.Contracts.Inference;
using FacePing.Core.Faces;
using FacePing.Core.Storage;

namespace FacePing.Tests.Faces;

/// <summary>The face rules on their own: which faces a request uses, the quality bar, the model check.</summary>
public sealed class FaceRulesTests
{
    private static DetectedFace Face(float side, float? quality, bool embedded = true, params string[] issues) =>
        new(new FaceBox(0, 0, side, side), 0.99f, [], embedded ? [1f, 0f] : null,
            quality is { } q ? new FaceQuality(q, (int)side, 0.5f, 0.5f, 0, 0, 0, issues) : null);

    private static FaceAnalysis Analysis(params DetectedFace[] faces) => new(640, 480, "m", faces.Length, faces);

    [Fact]
    public void Largest_judges_only_the_inference_services_choice_and_counts_the_rest()
    {
        // The first face is the one the Inference service chose (largest whole, confident); a smaller, better one
        // after it does not stand in for it.
        var analysis = Analysis(Face(200, 0.2f, true, "blurry"), Face(100, 0.9f), Face(300, null, embedded: false));

        var selection = FaceRules.Select(analysis, FaceChoice.Largest, 0.5);

        Assert.Empty(selection.Accepted);
        var rejected = Assert.Single(selection.Rejected);
        Assert.Same(analysis.Faces[0], rejected.Face);
        Assert.Equal(["blurry"], rejected.Reasons);
        Assert.Equal(3, selection.FaceCount);
        var e = Assert.Throws<LowQualityException>(() => selection.Largest("image"));
        Assert.Equal(["blurry"], e.Reasons);
        Assert.Equal("face quality 0.2 is below 0.5 (blurry)", rejected.Describe());

        var open = FaceRules.Select(analysis, FaceChoice.Largest, 0);
        Assert.Same(analysis.Faces[0], Assert.Single(open.Accepted));
        Assert.Same(analysis.Faces[0], open.Largest("image").Face);
    }

    [Fact]
    public void Largest_without_an_embedded_face_is_no_face()
    {
        foreach (var analysis in new[] { Analysis(), Analysis(Face(200, 0.9f, embedded: false)) })
        {
            var selection = FaceRules.Select(analysis, FaceChoice.Largest, 0.5);
            Assert.Empty(selection.Accepted);
            Assert.Empty(selection.Rejected);
            Assert.Equal("image", Assert.Throws<NoFaceException>(() => selection.Largest("image")).Field);
        }
    }

    [Fact]
    public void All_accepts_every_embedded_face_over_the_bar_largest_first_and_reports_the_rest_with_reasons()
    {
        var small = Face(40, 0.9f);
        var big = Face(300, 0.95f);
        var tiny = Face(12, 0.05f, true, "small", "blurry");
        var vague = Face(150, 0.3f); // low without a single clear cause
        var unembedded = Face(90, null, embedded: false);
        var analysis = Analysis(small, big, tiny, vague, unembedded);

        var selection = FaceRules.Select(analysis, FaceChoice.All, 0.4);

        Assert.Equal([big, small], selection.Accepted);
        Assert.Equal([vague, unembedded, tiny], selection.Rejected.Select(r => r.Face));
        Assert.Equal(["quality"], selection.Rejected[0].Reasons);
        Assert.Equal([RejectedFace.NotEmbedded], selection.Rejected[1].Reasons);
        Assert.False(selection.Rejected[1].IsLowQuality);
        Assert.Equal(["small", "blurry"], selection.Rejected[2].Reasons);
        Assert.Equal("face quality 0.05 is below 0.4 (small, blurry)", selection.Rejected[2].Describe());
        Assert.Equal(5, selection.FaceCount);
        Assert.Same(big, selection.Largest("image").Face);

        // No bar: every embedded face is accepted, whatever its quality.
        Assert.Equal(4, FaceRules.Select(analysis, FaceChoice.All, 0).Accepted.Count);
    }

    [Fact]
    public void All_with_a_face_size_bar_rejects_smaller_faces_as_small_before_judging_their_quality()
    {
        var clear = Face(60, 0.9f);
        var edge = Face(20, 0.5f);
        var small = Face(19, 0.8f); // good quality, too few pixels to tell people apart
        var analysis = Analysis(small, clear, edge);

        var selection = FaceRules.Select(analysis, FaceChoice.All, 0.1, minFaceSize: 20);

        Assert.Equal([clear, edge], selection.Accepted);
        var rejected = Assert.Single(selection.Rejected);
        Assert.Same(small, rejected.Face);
        Assert.Equal([RejectedFace.Small], rejected.Reasons);
        Assert.Equal("face 19 px is below 20 px", rejected.Describe());
        // The largest choice judges the Inference service's face by quality alone, as before.
        Assert.Same(small, Assert.Single(FaceRules.Select(analysis, FaceChoice.Largest, 0.1).Accepted));
    }

    [Fact]
    public void A_group_keeps_the_model_of_its_first_face()
    {
        FaceRules.RequireModel(new GroupHead("t", "empty", null, null), "any-model");
        FaceRules.RequireModel(new GroupHead("t", "g", 640, "m1"), "m1");
        var e = Assert.Throws<ModelMismatchException>(
            () => FaceRules.RequireModel(new GroupHead("t", "g", 640, "m1"), "m2"));
        Assert.Equal(("g", "m1", "m2"), (e.Group, e.GroupModel, e.Model));
    }
}
