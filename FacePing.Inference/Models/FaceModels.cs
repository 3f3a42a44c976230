using FacePing.Inference.Options;
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
        using var sessionOptions = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        // Spinning threads would steal the cores that concurrent requests need.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        Detector = new OnnxModel(Path.Combine(directory, ModelOptions.DetectorFile), sessionOptions);
        Landmarks = new OnnxModel(Path.Combine(directory, ModelOptions.LandmarkFile), sessionOptions);
        Feature = new OnnxModel(Path.Combine(directory, ModelOptions.FeatureFile), sessionOptions);
    }

    public OnnxModel Detector { get; }
    public OnnxModel Landmarks { get; }
    public OnnxModel Feature { get; }

    public IEnumerable<OnnxModel> All => [Detector, Landmarks, Feature];

    public void Dispose()
    {
        Detector.Dispose();
        Landmarks.Dispose();
        Feature.Dispose();
    }
}
