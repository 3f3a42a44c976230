using System.ComponentModel.DataAnnotations;

namespace FacePing.Inference.Options;

/// <summary>Where the ONNX models live and how ONNX Runtime runs them (section <c>FacePing:Models</c>).</summary>
public sealed class ModelOptions
{
    public const string Section = "FacePing:Models";

    public const string UltraFaceFile = "fr_detect.onnx";
    public const string YuNetFile = "yunet_s_dynamic.onnx";
    public const string LandmarkFile = "fr_landmark.onnx";
    public const string FeatureFile = "fr_feature.onnx";

    /// <summary>Which face detector runs.</summary>
    public FaceDetectorKind Detector { get; set; } = FaceDetectorKind.YuNet;

    public string DetectorFile => Detector == FaceDetectorKind.YuNet ? YuNetFile : UltraFaceFile;

    /// <summary>Every file the pipeline loads: detector, landmarks and the recognition ensemble's networks.</summary>
    public IEnumerable<string> RequiredFiles =>
        [DetectorFile, LandmarkFile, .. Embedding.RecognitionModels.Ensemble.Select(m => m.File)];

    /// <summary>
    /// YuNet: the longest side, in decoded pixels, a photo is searched at; larger photos are shrunk to it.
    /// </summary>
    [Range(320, 8192)]
    public int DetectionSide { get; set; } = 1280;

    /// <summary>
    /// Folder holding the model files; empty means the repository's .cache/models when running from a clone, else the
    /// models/ folder a published Inference carries beside its assembly.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Threads one model run may use; 0 = one per core.</summary>
    [Range(0, 64)]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Detector score a face must reach (0.8: a dog's face in the fixtures scores 0.74, human faces there ≥ 0.95).
    /// </summary>
    [Range(0.05, 0.99)]
    public float ScoreThreshold { get; set; } = 0.8f;

    /// <summary>
    /// Detector score a face needs to be preferred as the face the API uses (with all its landmarks inside the photo);
    /// weaker faces are used only when no face qualifies.
    /// </summary>
    [Range(0.05, 1.0)]
    public float PreferredScore { get; set; } = 0.95f;

    /// <summary>Overlap (IoU) above which the weaker of two detections is dropped.</summary>
    [Range(0.05, 0.95)]
    public float NmsThreshold { get; set; } = 0.35f;

    /// <summary>
    /// Run the overlapping-tile pass when the image is this many times larger than the detector input.
    /// </summary>
    [Range(1.0, 100.0)]
    public float TilingFromScale { get; set; } = 2.5f;

    public static string? FindRepositoryModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FacePing.sln")))
                return Path.Combine(dir.FullName, ".cache", "models");
        }
        var published = Path.Combine(AppContext.BaseDirectory, "models");
        return System.IO.Directory.Exists(published) ? published : null;
    }
}

public enum FaceDetectorKind
{
    YuNet,
    UltraFace,
}
