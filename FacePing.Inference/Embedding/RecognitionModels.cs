using FacePing.Inference.Alignment;

namespace FacePing.Inference.Embedding;

/// <summary>
/// The shipped recognition model: an ensemble of embedding networks whose weighted vectors are joined into one.
/// Its name goes with every vector it makes, so stored vectors of another model are never compared with its own.
/// How each choice was measured: docs/accuracy.md.
/// </summary>
public static class RecognitionModels
{
    public const string Name = "mobilefacenet512-dlibresnet128-v1";

    // MobileFaceNet's cosines spread wider than the dlib ResNet's, so the ResNet needs the larger weight to count as
    // much; 0.25/0.75 had the best accept rate at FAR 0.1 % on LFW View 1 (the development split), not on View 2.
    public static IReadOnlyList<EmbeddingSpec> Ensemble { get; } =
    [
        new("fr_feature.onnx", FaceTemplate.ArcFace112, 127f, 1f / 128f, 0.25f),
        // The converted graph takes raw 0–255 RGB and applies dlib's own channel means and scale.
        new("dlib_face_recognition_resnet_model_v1.onnx", FaceTemplate.DlibChip150, 0f, 1f, 0.75f),
    ];
}
