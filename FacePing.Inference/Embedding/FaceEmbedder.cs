using FacePing.Inference.Alignment;
using FacePing.Inference.Imaging;
using FacePing.Inference.Models;

namespace FacePing.Inference.Embedding;

/// <summary>MobileFaceNet on aligned 112×112 RGB crops, (p − 127)/128; the 512-d output is L2-normalised.</summary>
public sealed class FaceEmbedder(FaceModels models)
{
    public const string ModelName = "mobilefacenet-512";
    private const int Tensor = 3 * FaceAligner.Size * FaceAligner.Size;
    private readonly OnnxModel _model = models.Feature;

    /// <summary>
    /// Aligns each face (map from crop to image pixels) and embeds it. The model's batch size is fixed at 1, so
    /// several faces run side by side: small 14×14 convolutions split poorly over threads, whole faces split well.
    /// </summary>
    public float[][] Embed(RgbaImage image, IReadOnlyList<AffineMap> alignments)
    {
        var result = new float[alignments.Count][];
        if (alignments.Count == 1)
        {
            result[0] = EmbedOne(image, alignments[0]);
        }
        else if (alignments.Count > 1)
        {
            Parallel.For(0, alignments.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => result[i] = EmbedOne(image, alignments[i]));
        }
        return result;
    }

    private float[] EmbedOne(RgbaImage image, in AffineMap alignment)
    {
        var input = TensorRunner.Rent(Tensor);
        try
        {
            Sampler.SampleRgb(image, alignment, FaceAligner.Size, FaceAligner.Size, input.AsSpan(0, Tensor), 127f, 1f / 128f);
            using var outputs = TensorRunner.Run(_model, input, [1, 3, FaceAligner.Size, FaceAligner.Size]);
            return Normalise(outputs[0].GetTensorDataAsSpan<float>());
        }
        finally
        {
            TensorRunner.Return(input);
        }
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
