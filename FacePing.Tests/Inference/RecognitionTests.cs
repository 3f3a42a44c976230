using FacePing.Core.Inference;
using FacePing.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FacePing.Tests.Inference;

/// <summary>
/// Verification and identification on the 24 labelled faces of bald_guys.jpg, and the calibration of the
/// match threshold (method and numbers in docs/calibration.md).
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class RecognitionTests(PipelineFixture fixture, ITestOutputHelper output)
{
    private (List<(string Person, float[] Embedding)> Faces, float[] Tom) Embed()
    {
        var analysis = fixture.Pipeline.Analyze(File.ReadAllBytes(RepoPaths.Face("bald_guys.jpg")), EmbedMode.All);
        var faces = new List<(string, float[])>();
        foreach (var label in FaceLabels.BaldGuys)
        {
            var face = FaceLabels.Match(label, analysis.Faces) ?? throw new Xunit.Sdk.XunitException($"no detection for {label}");
            faces.Add((label.Person, face.Embedding!));
        }
        var tom = fixture.Pipeline.Analyze(File.ReadAllBytes(RepoPaths.Face("Tom_Cruise_avp_2014_4.jpg")), EmbedMode.Largest);
        return (faces, tom.Faces[0].Embedding!);
    }

    private static (List<float> Genuine, List<float> Impostor) Pairs(List<(string Person, float[] Embedding)> faces)
    {
        var genuine = new List<float>();
        var impostor = new List<float>();
        for (var i = 0; i < faces.Count; i++)
        {
            for (var j = i + 1; j < faces.Count; j++)
            {
                (faces[i].Person == faces[j].Person ? genuine : impostor).Add(FaceLabels.Cosine(faces[i].Embedding, faces[j].Embedding));
            }
        }
        return (genuine, impostor);
    }

    [Fact]
    public void All_276_pairs_are_verified_correctly_at_the_calibrated_threshold()
    {
        var (faces, _) = Embed();
        var (genuine, impostor) = Pairs(faces);
        var correct = genuine.Count(s => s >= PipelineFixture.MatchThreshold) + impostor.Count(s => s < PipelineFixture.MatchThreshold);
        output.WriteLine($"pairs {genuine.Count + impostor.Count}: accuracy {correct}/{genuine.Count + impostor.Count}; " +
            $"genuine min {genuine.Min():F3}, impostor max {impostor.Max():F3}");

        Assert.Equal(60, genuine.Count);
        Assert.Equal(216, impostor.Count);
        Assert.Equal(276, correct);
    }

    [Fact]
    public void Every_face_s_nearest_neighbour_is_the_same_person()
    {
        var (faces, _) = Embed();
        var hits = 0;
        for (var i = 0; i < faces.Count; i++)
        {
            var best = -1;
            var bestScore = float.MinValue;
            for (var j = 0; j < faces.Count; j++)
            {
                if (j == i) continue;
                var s = FaceLabels.Cosine(faces[i].Embedding, faces[j].Embedding);
                if (s > bestScore)
                {
                    bestScore = s;
                    best = j;
                }
            }
            if (faces[best].Person == faces[i].Person) hits++;
            else output.WriteLine($"face {i} ({faces[i].Person}) nearest is {faces[best].Person} at {bestScore:F3}");
        }
        output.WriteLine($"rank-1 {hits}/{faces.Count}");
        Assert.Equal(faces.Count, hits);
    }

    [Fact]
    public void Calibrated_threshold_lies_in_the_gap_between_genuine_and_impostor_scores()
    {
        var (faces, tom) = Embed();
        var (genuine, impostor) = Pairs(faces);
        impostor.AddRange(faces.Select(f => FaceLabels.Cosine(f.Embedding, tom)));
        genuine.Sort();
        impostor.Sort();
        var midpoint = (genuine[0] + impostor[^1]) / 2;
        output.WriteLine($"genuine n={genuine.Count} min {genuine[0]:F3} median {genuine[genuine.Count / 2]:F3} max {genuine[^1]:F3}");
        output.WriteLine($"impostor n={impostor.Count} min {impostor[0]:F3} median {impostor[impostor.Count / 2]:F3} max {impostor[^1]:F3}");
        output.WriteLine($"gap midpoint {midpoint:F3}; configured threshold {PipelineFixture.MatchThreshold}");

        Assert.True(impostor[^1] < genuine[0], "genuine and impostor scores overlap");
        Assert.InRange(PipelineFixture.MatchThreshold, impostor[^1] + 0.02f, genuine[0] - 0.02f);
    }
}
