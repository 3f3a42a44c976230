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
    /// Embeds each face. Models have a batch size of 1, so work runs side by side: the members of one face, or several
    /// faces (small convolutions split poorly over threads, whole inferences split well).
    /// </summary>
    public float[][] Embed(RgbaImage image, IReadOnlyList<FaceLandmarks> faces)
    {
        var result = new float[faces.Count][];
        for (var i = 0; i < faces.Count; i++) result[i] = new float[Dimensions];
        var members = models.Embedders;
        var work = faces.Count * members.Count;
        if (work == 1)
        {
            members[0].Embed(image, faces[0], result[0]);
            return result;
        }
        var offsets = new int[members.Count];
        for (var m = 1; m < members.Count; m++) offsets[m] = offsets[m - 1] + members[m - 1].Dimensions;
        Parallel.For(0, work, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var (face, m) = Math.DivRem(k, members.Count);
            members[m].Embed(image, faces[face], result[face].AsSpan(offsets[m], members[m].Dimensions));
        });
        return result;
    }
}
