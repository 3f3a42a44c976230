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
/// A loaded embedding network: aligns, samples and runs one face at a time (its batch size may be fixed at 1).
/// </summary>
public sealed class EmbeddingModel(EmbeddingSpec spec, OnnxModel model)
{
    public EmbeddingSpec Spec => spec;
    public OnnxModel Model => model;

    /// <summary>Writes the L2-normalised embedding, scaled by √weight, into <paramref name="output"/>.</summary>
    public void Embed(RgbaImage image, FaceLandmarks landmarks, Span<float> output)
    {
        var size = spec.Template.Size;
        var length = 3 * size * size;
        var input = TensorRunner.Rent(length);
        try
        {
            Sampler.SampleRgb(image, spec.Template.Align(landmarks), size, size, input.AsSpan(0, length), spec.Mean,
                spec.Scale);
            using var outputs = TensorRunner.Run(model, input, [1, 3, size, size]);
            var feature = outputs[0].GetTensorDataAsSpan<float>();
            if (feature.Length != output.Length)
            {
                throw new InvalidOperationException(
                    $"{model.FileName} gave {feature.Length} values; {output.Length} were expected.");
            }
            var sum = 0f;
            foreach (var v in feature) sum += v * v;
            var factor = sum > 0 ? MathF.Sqrt(spec.Weight / sum) : 0f;
            for (var i = 0; i < output.Length; i++) output[i] = feature[i] * factor;
        }
        finally
        {
            TensorRunner.Return(input);
        }
    }

    /// <summary>Length of the model's output vector, from its declared output shape.</summary>
    public int Dimensions => model.OutputDimensions;
}
