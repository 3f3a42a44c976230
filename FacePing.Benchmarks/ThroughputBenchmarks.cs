using BenchmarkDotNet.Attributes;
using FacePing.Contracts.Inference;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using FacePing.Inference.Pipeline;
using Microsoft.Extensions.Options;

namespace FacePing.Benchmarks;

/// <summary>
/// Images per second on the single-face 640×480 JPEG with concurrent callers sharing one pipeline, as the
/// service runs. The reported time is per image (OperationsPerInvoke), so images/s = 1 s / median.
/// </summary>
[MedianColumn]
public class ThroughputBenchmarks
{
    private const int ImagesPerInvoke = 40;
    private FaceModels _models = null!;
    private FacePipeline _pipeline = null!;
    private byte[] _bytes = null!;

    [Params(1, 2)]
    public int Callers { get; set; } = 2;

    [GlobalSetup]
    public void Setup()
    {
        var modelOptions = Options.Create(new ModelOptions { Directory = BenchmarkImages.Models });
        _models = new FaceModels(modelOptions);
        _pipeline = FacePipeline.Create(_models, modelOptions);
        _bytes = BenchmarkImages.Load(BenchmarkImages.SingleFace);
    }

    [GlobalCleanup]
    public void Cleanup() => _models.Dispose();

    [Benchmark(OperationsPerInvoke = ImagesPerInvoke, Description = "single-face 640x480, embed largest")]
    public void Images()
    {
        var next = -1;
        var callers = new Thread[Callers];
        for (var c = 0; c < callers.Length; c++)
        {
            callers[c] = new Thread(() =>
            {
                while (Interlocked.Increment(ref next) < ImagesPerInvoke) _pipeline.Analyze(_bytes, EmbedMode.Largest);
            });
            callers[c].Start();
        }
        foreach (var t in callers) t.Join();
    }
}
