using FacePing.Inference.Alignment;
using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;
using FacePing.Inference.Models;

namespace FacePing.Inference.Embedding;

/// <summary>
/// One embedding network of the ensemble: how its input crop is made (template, pixel normalisation) and how much its
/// similarity counts in the fused vector.
/// </summary>
/// <param name="File">ONNX file in the models directory.</param>
/// <param name="Template">Where the landmarks go in the model's input crop.</param>
/// <param name="Mean">Subtracted from every 0–255 channel value before <paramref name="Scale"/>.</param>
/// <param name="Weight">
/// Share of this model in the fused cosine similarity (the weights of an ensemble add up to 1).
/// </param>
public sealed record EmbeddingSpec(string File, FaceTemplate Template, float Mean, float Scale, float Weight);

/// <summary>
/// A loaded embedding network: aligns, samples and runs faces, several in one run when its first input dimension is
/// free (dlib's ResNet), one at a time when it is fixed at 1 (MobileFaceNet).
/// </summary>
public sealed class EmbeddingModel(EmbeddingSpec spec, OnnxModel model)
{
    /// <summary>
    /// Most faces in one run. Larger batches gained nothing more per face on a CPU (dlib's ResNet: 12.0 ms a face
    /// alone, see docs/performance.md), and smaller ones leave work to spread over the cores.
    /// </summary>
    public const int MaxBatch = 8;

    public EmbeddingSpec Spec => spec;
    public OnnxModel Model => model;

    /// <summary>How many faces one run takes.</summary>
    public int BatchSize => model.AcceptsBatch ? MaxBatch : 1;

    /// <summary>
    /// Writes the L2-normalised embedding of each of <paramref name="count"/> faces from <paramref name="first"/>,
    /// scaled by √weight, into <c>outputs[face][offset..offset + Dimensions]</c>, in one run.
    /// </summary>
    public void Embed(RgbaImage image, IReadOnlyList<FaceLandmarks> faces, int first, int count, float[][] outputs,
        int offset)
    {
        if (count > BatchSize)
            throw new ArgumentOutOfRangeException(nameof(count), $"{model.FileName} takes {BatchSize}.");
        var size = spec.Template.Size;
        var plane = 3 * size * size;
        var input = TensorRunner.Rent(count * plane);
        try
        {
            for (var i = 0; i < count; i++)
            {
                Sampler.SampleRgb(image, spec.Template.Align(faces[first + i]), size, size,
                    input.AsSpan(i * plane, plane), spec.Mean, spec.Scale);
            }
            using var result = TensorRunner.Run(model, input, [count, 3, size, size]);
            var features = result[0].GetTensorDataAsSpan<float>();
            var dimensions = Dimensions;
            if (features.Length != count * dimensions)
            {
                throw new InvalidOperationException(
                    $"{model.FileName} gave {features.Length} values for {count} faces; " +
                    $"{dimensions} each were expected.");
            }
            for (var i = 0; i < count; i++)
            {
                var feature = features.Slice(i * dimensions, dimensions);
                var sum = 0f;
                foreach (var v in feature) sum += v * v;
                var factor = sum > 0 ? MathF.Sqrt(spec.Weight / sum) : 0f;
                var output = outputs[first + i].AsSpan(offset, dimensions);
                for (var d = 0; d < dimensions; d++) output[d] = feature[d] * factor;
            }
        }
        finally
        {
            TensorRunner.Return(input);
        }
    }

    /// <summary>Length of the model's output vector, from its declared output shape.</summary>
    public int Dimensions => model.OutputDimensions;
}
