using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;
using FacePing.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FacePing.Tests.Inference;

/// <summary>
/// Embedding a crowd runs dlib's ResNet on batches of faces and MobileFaceNet face by face, side by side: the vectors
/// must be those of embedding each face alone.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class EmbeddingBatchTests(PipelineFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Batched_vectors_of_the_24_faces_of_bald_guys_equal_one_by_one_vectors()
    {
        var pipeline = fixture.Pipeline;
        using var image = pipeline.Decoder.Decode(File.ReadAllBytes(RepoPaths.Face("bald_guys.jpg")));
        var faces = pipeline.Detector.Detect(image, out _);
        FaceLandmarks[] marks = pipeline.Landmarks.Detect(image, faces);
        Assert.True(marks.Length >= 24, $"{marks.Length} faces");
        Assert.True(fixture.Models.Embedders.Any(e => e.BatchSize > 1), "no network takes a batch");

        var together = pipeline.Embedder.Embed(image, marks);
        var worst = 0f;
        for (var i = 0; i < marks.Length; i++)
        {
            var alone = pipeline.Embedder.Embed(image, [marks[i]])[0];
            Assert.Equal(alone.Length, together[i].Length);
            for (var d = 0; d < alone.Length; d++) worst = MathF.Max(worst, MathF.Abs(alone[d] - together[i][d]));
            Assert.True(FaceLabels.Cosine(alone, together[i]) > 0.99999f, $"face {i}");
        }
        output.WriteLine($"{marks.Length} faces; largest difference of a vector value {worst:E2}");
        Assert.True(worst < 1e-4f, $"largest difference {worst}");
    }
}
