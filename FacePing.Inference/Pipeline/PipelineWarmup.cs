using FacePing.Contracts.Inference;
using FacePing.Inference.Imaging;

namespace FacePing.Inference.Pipeline;

/// <summary>Loads the models and runs every stage once at start-up, so the first request is not the slow one.</summary>
internal sealed class PipelineWarmup(FacePipeline pipeline, ILogger<PipelineWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var image = new RgbaImage(640, 480, 640, 480);
        image.Pixels.Fill(128);
        pipeline.Analyze(image, EmbedMode.All);
        // A blank image has no face, so the later stages are warmed on a made-up box.
        var faces = new List<Detection.FaceCandidate> { new(200, 100, 400, 350, 1) };
        pipeline.Embedder.Embed(image, pipeline.Landmarks.Detect(image, faces));
        logger.LogInformation("Face models loaded and warmed up in {Elapsed} ms",
            (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
