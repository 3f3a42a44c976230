using System.ComponentModel.DataAnnotations;

namespace FacePing.Inference.Options;

/// <summary>Where the ONNX models live and how ONNX Runtime runs them (section <c>FacePing:Models</c>).</summary>
public sealed class ModelOptions
{
    public const string Section = "FacePing:Models";

    /// <summary>YuNet 2023mar with a free batch and input size (models/yunet-2023mar in the repository).</summary>
    public const string DetectorFile = "yunet_s_dynamic.onnx";
    public const string LandmarkFile = "fr_landmark.onnx";
    public const string FeatureFile = "fr_feature.onnx";

    /// <summary>Every file the pipeline loads: detector, landmarks and the recognition ensemble's networks.</summary>
    public static IEnumerable<string> RequiredFiles =>
        [DetectorFile, LandmarkFile, .. Embedding.RecognitionModels.Ensemble.Select(m => m.File)];

    /// <summary>
    /// Longest side, in decoded pixels, a photo is searched for faces at; larger photos are shrunk to it (their faces
    /// with them: a face needs ~10 pixels there to be found). Cost grows with its square (docs/detection.md).
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
    /// Detector score a face smaller than <see cref="LargeFaceSide"/> must reach: YuNet's √(class · objectness), as
    /// OpenCV reports it. At 0.7 its precision on crowd photos is above the former detector's (docs/detection.md).
    /// </summary>
    [Range(0.05, 0.99)]
    public float ScoreThreshold { get; set; } = 0.7f;

    /// <summary>
    /// Detector score a face at least <see cref="LargeFaceSide"/> pixels tall must reach. A large face has pixels
    /// enough for a clear score (people score 0.86–0.95 in the fixtures); large finds that YuNet is unsure of are
    /// pets and patterns (the Pomeranian of dogs.jpg: 0.77), while small ones are often faces in a crowd.
    /// </summary>
    [Range(0.05, 0.99)]
    public float LargeFaceScoreThreshold { get; set; } = 0.8f;

    /// <summary>Height, in decoded pixels, from which a face needs <see cref="LargeFaceScoreThreshold"/>.</summary>
    [Range(1, 10000)]
    public int LargeFaceSide { get; set; } = 64;

    /// <summary>
    /// Detector score a face needs to be preferred as the face the API uses (with all its landmarks inside the photo);
    /// weaker faces are used only when no face qualifies.
    /// </summary>
    /// <remarks>YuNet scores clear faces 0.88–0.94 (LFW's central faces: 5th percentile 0.913).</remarks>
    [Range(0.05, 1.0)]
    public float PreferredScore { get; set; } = 0.85f;

    /// <summary>Overlap (IoU) above which the weaker of two detections is dropped.</summary>
    [Range(0.05, 0.95)]
    public float NmsThreshold { get; set; } = 0.35f;


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
