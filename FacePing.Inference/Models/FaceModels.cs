using FacePing.Inference.Options;
using FacePing.Inference.Embedding;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace FacePing.Inference.Models;

/// <summary>The three sessions of the face pipeline, created once at start-up.</summary>
public sealed class FaceModels : IDisposable
{
    public FaceModels(IOptions<ModelOptions> options)
        : this(options.Value)
    {
    }

    public FaceModels(ModelOptions options)
    {
        var directory = options.Directory ?? ModelOptions.FindRepositoryModels()
            ?? throw new InvalidOperationException("No model directory configured.");
        var threads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount;
        // Measured per model (batch 1, 1 thread, ONNX Runtime 1.31): the full optimisation level's NCHWc layout makes
        // the landmark model 2.7x, MobileFaceNet 1.6x (16.4 → 10.4 ms) and dlib's ResNet 2x faster. The detector, one
        // large input a photo, uses every core.
        Detector = Load(directory, ModelOptions.DetectorFile, GraphOptimizationLevel.ORT_ENABLE_ALL, threads);
        // The landmark model runs one small face at a time, a crowd's faces side by side: one thread each.
        Landmarks = Load(directory, ModelOptions.LandmarkFile, GraphOptimizationLevel.ORT_ENABLE_ALL, 1);
        // Embedding runs go side by side (the ensemble's members, and several faces), one core each: a second intra-op
        // thread gains nothing for MobileFaceNet (10.4 ms either way) and only oversubscribes the cores.
        Embedders = [.. RecognitionModels.Ensemble.Select(spec =>
            new EmbeddingModel(spec, Load(directory, spec.File, GraphOptimizationLevel.ORT_ENABLE_ALL, 1)))];
    }

    private static OnnxModel Load(string directory, string file, GraphOptimizationLevel level, int threads)
    {
        using var sessionOptions = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = level,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        // Spinning threads would steal the cores that concurrent requests need.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        // Denormals in late layers cost time and change nothing in the output.
        sessionOptions.AddSessionConfigEntry("session.set_denormal_as_zero", "1");
        return new OnnxModel(Path.Combine(directory, file), sessionOptions);
    }

    public OnnxModel Detector { get; }
    public OnnxModel Landmarks { get; }
    /// <summary>The recognition ensemble's networks, in the order their vectors are joined.</summary>
    public IReadOnlyList<EmbeddingModel> Embedders { get; }

    public string RecognitionName => RecognitionModels.Name;

    public IEnumerable<OnnxModel> All => [Detector, Landmarks, .. Embedders.Select(e => e.Model)];

    public void Dispose()
    {
        foreach (var model in All) model.Dispose();
    }
}
