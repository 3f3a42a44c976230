using BenchmarkDotNet.Attributes;
using FacePing.Contracts.Inference;
using FacePing.Inference.Detection;
using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using FacePing.Inference.Pipeline;
using Microsoft.Extensions.Options;

namespace FacePing.Benchmarks;

/// <summary>
/// The face pipeline per stage and end to end, on a single-face 640×480 JPEG and on the 24-face group photo.
/// Stage benchmarks start from the previous stage's output, computed once at set-up.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PipelineBenchmarks
{
    private FaceModels _models = null!;
    private FacePipeline _pipeline = null!;
    private byte[] _bytes = null!;
    private RgbaImage _image = null!;
    private List<FaceCandidate> _faces = null!;
    private FaceLandmarks[] _landmarks = null!;

    [Params(BenchmarkImages.SingleFace, BenchmarkImages.Group)]
    public string Image { get; set; } = BenchmarkImages.SingleFace;

    [GlobalSetup]
    public void Setup()
    {
        var modelOptions = Options.Create(new ModelOptions { Directory = BenchmarkImages.Models });
        _models = new FaceModels(modelOptions);
        _pipeline = FacePipeline.Create(_models, modelOptions);
        _bytes = BenchmarkImages.Load(Image);
        _image = _pipeline.Decoder.Decode(_bytes);
        _faces = _pipeline.Detector.Detect(_image, out _);
        _faces.Sort(static (a, b) => b.Area.CompareTo(a.Area));
        _landmarks = _pipeline.Landmarks.Detect(_image, _faces);
        if (_faces.Count == 0) throw new InvalidOperationException($"no face in {Image}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _image.Dispose();
        _models.Dispose();
    }

    [Benchmark(Description = "decode")]
    public int Decode()
    {
        using var image = _pipeline.Decoder.Decode(_bytes);
        return image.Width;
    }

    [Benchmark(Description = "detect")]
    public int Detect() => _pipeline.Detector.Detect(_image, out _).Count;

    [Benchmark(Description = "landmarks (all faces)")]
    public int Landmarks() => _pipeline.Landmarks.Detect(_image, _faces).Length;

    [Benchmark(Description = "embed (largest face)")]
    public float[] EmbedLargest() => _pipeline.Embedder.Embed(_image, [_landmarks[0]])[0];

    [Benchmark(Description = "end-to-end, embed largest")]
    public int EndToEndLargest() => _pipeline.Analyze(_bytes, EmbedMode.Largest).FaceCount;

    [Benchmark(Description = "end-to-end, embed all")]
    public int EndToEndAll() => _pipeline.Analyze(_bytes, EmbedMode.All).FaceCount;
}
