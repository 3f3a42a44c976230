using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;
using FacePing.Inference.Models;

namespace FacePing.Inference.Embedding;

/// <summary>
/// The face vector: each ensemble member's L2-normalised embedding scaled by the square root of its weight, one after
/// the other. The result has unit length, and the cosine of two such vectors is the weighted mean of the members'
/// cosines, so every store and search in the system works on it unchanged.
/// </summary>
public sealed class FaceEmbedder(FaceModels models)
{
    public string ModelName => models.RecognitionName;

    public int Dimensions { get; } = models.Embedders.Sum(m => m.Dimensions);

    /// <summary>
    /// Embeds each face. The work is cut into runs — batches of up to <see cref="EmbeddingModel.MaxBatch"/> faces for
    /// a network that takes them, single faces for one that does not — and the runs go side by side on the cores
    /// (one thread each: small convolutions split poorly over threads, whole inferences split well).
    /// </summary>
    public float[][] Embed(RgbaImage image, IReadOnlyList<FaceLandmarks> faces)
    {
        var result = new float[faces.Count][];
        for (var i = 0; i < faces.Count; i++) result[i] = new float[Dimensions];
        var members = models.Embedders;
        var runs = new List<(int Member, int First, int Count, int Offset)>();
        var offset = 0;
        for (var m = 0; m < members.Count; m++)
        {
            // Even batches: 9 faces in batches of 8 would leave one core with 8 faces and the other with 1.
            var batches = (faces.Count + members[m].BatchSize - 1) / members[m].BatchSize;
            for (var b = 0; b < batches; b++)
            {
                var first = faces.Count * b / batches;
                runs.Add((m, first, faces.Count * (b + 1) / batches - first, offset));
            }
            offset += members[m].Dimensions;
        }
        // Largest runs first, so no core is left alone with a big batch at the end.
        runs.Sort((a, b) => b.Count.CompareTo(a.Count));
        if (runs.Count == 1)
        {
            var (m, first, count, o) = runs[0];
            members[m].Embed(image, faces, first, count, result, o);
            return result;
        }
        Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var (m, first, count, o) = runs[k];
            members[m].Embed(image, faces, first, count, result, o);
        });
        return result;
    }
}
