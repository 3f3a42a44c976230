using FacePing.Inference.Alignment;
using FacePing.Inference.Imaging;
using FacePing.Inference.Models;

namespace FacePing.Inference.Embedding;

/// <summary>MobileFaceNet on aligned 112×112 RGB crops, (p − 127)/128; the 512-d output is L2-normalised.</summary>
public sealed class FaceEmbedder(FaceModels models)
{
    public const string ModelName = "mobilefacenet-512";
    private const int Plane = FaceAligner.Size * FaceAligner.Size;
    private readonly OnnxModel _model = models.Feature;

    /// <summary>Aligns each face (map from crop to image pixels) and embeds it, batched when the model allows.</summary>
    public float[][] Embed(RgbaImage image, IReadOnlyList<AffineMap> alignments)
    {
        var result = new float[alignments.Count][];
        if (alignments.Count == 0) return result;
        var batch = _model.AcceptsBatch ? Math.Min(alignments.Count, 8) : 1;
        var input = TensorRunner.Rent(batch * 3 * Plane);
        try
        {
            for (var start = 0; start < alignments.Count; start += batch)
            {
                var n = Math.Min(batch, alignments.Count - start);
                for (var i = 0; i < n; i++)
                {
                    Sampler.SampleRgb(image, alignments[start + i], FaceAligner.Size, FaceAligner.Size,
                        input.AsSpan(i * 3 * Plane, 3 * Plane), 127f, 1f / 128f);
                }
                using var outputs = TensorRunner.Run(_model, input, [n, 3, FaceAligner.Size, FaceAligner.Size]);
                var features = outputs[0].GetTensorDataAsSpan<float>();
                var dim = features.Length / n;
                for (var i = 0; i < n; i++)
                {
                    result[start + i] = Normalise(features.Slice(i * dim, dim));
                }
            }
        }
        finally
        {
            TensorRunner.Return(input);
        }
        return result;
    }

    private static float[] Normalise(ReadOnlySpan<float> feature)
    {
        var vector = feature.ToArray();
        var sum = 0f;
        foreach (var v in vector) sum += v * v;
        if (sum <= 0) return vector;
        var inv = 1 / MathF.Sqrt(sum);
        for (var i = 0; i < vector.Length; i++) vector[i] *= inv;
        return vector;
    }
}
