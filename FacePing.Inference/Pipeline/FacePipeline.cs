using System.Diagnostics;
using FacePing.Core.Inference;
using FacePing.Inference.Alignment;
using FacePing.Inference.Decoding;
using FacePing.Inference.Detection;
using FacePing.Inference.Embedding;
using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using Microsoft.Extensions.Options;
using FacePing.Inference.Telemetry;

namespace FacePing.Inference.Pipeline;

/// <summary>decode → detect → landmarks → align → embed, each stage a span; thread-safe, shared by all requests.</summary>
public sealed class FacePipeline(ImageDecoder decoder, FaceDetector detector, LandmarkDetector landmarks, FaceEmbedder embedder)
{
    public ImageDecoder Decoder => decoder;
    public FaceDetector Detector => detector;
    public LandmarkDetector Landmarks => landmarks;
    public FaceEmbedder Embedder => embedder;

    /// <summary>A pipeline outside dependency injection (tests, benchmarks), on already loaded models.</summary>
    public static FacePipeline Create(FaceModels models, IOptions<ModelOptions> modelOptions, ImageOptions? images = null) =>
        new(new ImageDecoder(Microsoft.Extensions.Options.Options.Create(images ?? new ImageOptions())),
            new FaceDetector(models, modelOptions), new LandmarkDetector(models), new FaceEmbedder(models));

    /// <exception cref="ImageDecodeException">The bytes are empty, too large or not a decodable image.</exception>
    public FaceAnalysis Analyze(ReadOnlySpan<byte> bytes, EmbedMode mode)
    {
        RgbaImage image;
        var start = Stopwatch.GetTimestamp();
        using (var span = InferenceTelemetry.Source.StartActivity("decode"))
        {
            span?.SetTag("image.bytes", bytes.Length);
            try
            {
                image = decoder.Decode(bytes);
            }
            catch (ImageDecodeException e)
            {
                InferenceTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("status", e.Status));
                span?.SetStatus(ActivityStatusCode.Error, e.Title);
                throw;
            }
            span?.SetTag("image.width", image.OriginalWidth);
            span?.SetTag("image.height", image.OriginalHeight);
            span?.SetTag("image.decoded_width", image.Width);
            span?.SetTag("image.decoded_height", image.Height);
        }
        InferenceTelemetry.Record("decode", start);
        using (image)
        {
            return Analyze(image, mode);
        }
    }

    public FaceAnalysis Analyze(RgbaImage image, EmbedMode mode)
    {
        List<FaceCandidate> faces;
        var start = Stopwatch.GetTimestamp();
        using (var span = InferenceTelemetry.Source.StartActivity("detect"))
        {
            faces = detector.Detect(image, out var passes);
            // Largest first: the public API uses the first face.
            faces.Sort(static (a, b) => b.Area.CompareTo(a.Area));
            span?.SetTag("detector.passes", passes);
            span?.SetTag("face.count", faces.Count);
        }
        InferenceTelemetry.Record("detect", start);
        InferenceTelemetry.Images.Add(1);
        InferenceTelemetry.Faces.Add(faces.Count);

        FivePoints[] points;
        var toEmbed = mode switch
        {
            EmbedMode.None => 0,
            EmbedMode.Largest => Math.Min(1, faces.Count),
            _ => faces.Count,
        };
        var maps = new AffineMap[toEmbed];
        start = Stopwatch.GetTimestamp();
        using (var span = InferenceTelemetry.Source.StartActivity("landmarks_align"))
        {
            span?.SetTag("face.count", faces.Count);
            points = landmarks.Detect(image, faces);
            for (var i = 0; i < maps.Length; i++) maps[i] = FaceAligner.Estimate(points[i]);
        }
        InferenceTelemetry.Record("landmarks_align", start);

        float[][] embeddings = [];
        if (toEmbed > 0)
        {
            start = Stopwatch.GetTimestamp();
            using var span = InferenceTelemetry.Source.StartActivity("embed");
            span?.SetTag("face.count", toEmbed);
            embeddings = embedder.Embed(image, maps);
            InferenceTelemetry.Record("embed", start);
        }

        var scale = new System.Numerics.Vector2(image.ScaleX, image.ScaleY);
        var result = new DetectedFace[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            var p = points[i];
            var x1 = Clamp(f.X1 * scale.X, image.OriginalWidth);
            var y1 = Clamp(f.Y1 * scale.Y, image.OriginalHeight);
            var box = new FaceBox(x1, y1, Clamp(f.X2 * scale.X, image.OriginalWidth) - x1, Clamp(f.Y2 * scale.Y, image.OriginalHeight) - y1);
            var five = new float[5][];
            for (var k = 0; k < 5; k++)
            {
                var v = p.At(k) * scale;
                five[k] = [v.X, v.Y];
            }
            result[i] = new DetectedFace(box, f.Score, five, i < embeddings.Length ? embeddings[i] : null);
        }
        return new FaceAnalysis(image.OriginalWidth, image.OriginalHeight, FaceEmbedder.ModelName, faces.Count, result);
    }

    private static float Clamp(float v, int max) => Math.Clamp(v, 0, max);
}
