using FacePing.Inference.Alignment;

namespace FacePing.Inference.Embedding;

/// <summary>
/// The shipped recognition model: an ensemble of embedding networks whose weighted vectors are joined into one.
/// Its name goes with every vector it makes, so stored vectors of another model are never compared with its own.
/// How each choice was measured: docs/accuracy.md.
/// </summary>
public static class RecognitionModels
{
    public const string Name = "mobilefacenet-512";

    public static IReadOnlyList<EmbeddingSpec> Ensemble { get; } =
    [
        new("fr_feature.onnx", FaceTemplate.ArcFace112, 127f, 1f / 128f, 1f),
    ];
}
