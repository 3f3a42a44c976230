using System.Diagnostics;
using System.Diagnostics.Metrics;
using FacePing.Contracts.Inference;
using FacePing.Inference.Alignment;
using FacePing.Inference.Decoding;
using FacePing.Inference.Detection;
using FacePing.Inference.Embedding;
using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using FacePing.Inference.Quality;
using FacePing.Inference.Telemetry;
using Microsoft.Extensions.Options;

namespace FacePing.Inference.Pipeline;

/// <summary>
/// decode → detect → landmarks → align → embed, each stage a span; thread-safe, shared by all requests.
/// </summary>
public sealed class FacePipeline(ImageDecoder decoder, YuNetDetector detector, LandmarkDetector landmarks,
    FaceEmbedder embedder, IOptions<ModelOptions> modelOptions, InferenceTelemetry telemetry)
{
    private readonly ModelOptions options = modelOptions.Value;

    public ImageDecoder Decoder => decoder;
    public YuNetDetector Detector => detector;
    public LandmarkDetector Landmarks => landmarks;
    public FaceEmbedder Embedder => embedder;
    public InferenceTelemetry Telemetry => telemetry;

    /// <summary>A pipeline outside dependency injection (tests, benchmarks), on already loaded models.</summary>
    public static FacePipeline Create(FaceModels models, IOptions<ModelOptions> modelOptions,
        ImageOptions? images = null) =>
        new(new ImageDecoder(Microsoft.Extensions.Options.Options.Create(images ?? new ImageOptions())),
            new YuNetDetector(models, modelOptions), new LandmarkDetector(models), new FaceEmbedder(models),
            modelOptions, new InferenceTelemetry(DetachedMeters.Value));

    // Outside a host the pipeline's instruments live in a factory of their own (nothing exports them).
    private static readonly Lazy<IMeterFactory> DetachedMeters = new(() =>
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    /// <exception cref="ImageDecodeException">The bytes are empty, too large or not a decodable image.</exception>
    /// <param name="maxEmbedded">
    /// With <see cref="EmbedMode.All"/>, embed only this many faces (the used face, then the largest).
    /// </param>
    public FaceAnalysis Analyze(ReadOnlySpan<byte> bytes, EmbedMode mode, int maxEmbedded = int.MaxValue)
    {
        using var opened = Open(bytes);
        return Analyze(opened, mode, maxEmbedded);
    }

    /// <summary>Reads the header and plans the decode (what admission weighs), decoding no pixel.</summary>
    /// <exception cref="ImageDecodeException">The bytes are empty, too large or not an image.</exception>
    public OpenedImage Open(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return decoder.Open(bytes);
        }
        catch (ImageDecodeException e)
        {
            telemetry.Rejected.Add(1, new KeyValuePair<string, object?>("status", e.Status));
            throw;
        }
    }

    /// <exception cref="ImageDecodeException">The pixel data is corrupt or truncated.</exception>
    public FaceAnalysis Analyze(OpenedImage opened, EmbedMode mode, int maxEmbedded = int.MaxValue)
    {
        RgbaImage image;
        var start = Stopwatch.GetTimestamp();
        using (var span = InferenceTelemetry.Source.StartActivity("decode"))
        {
            span?.SetTag("image.bytes", opened.Data.Size);
            span?.SetTag("image.decode_strategy", opened.Strategy.ToString());
            try
            {
                image = decoder.Decode(opened);
            }
            catch (ImageDecodeException e)
            {
                telemetry.Rejected.Add(1, new KeyValuePair<string, object?>("status", e.Status));
                span?.SetStatus(ActivityStatusCode.Error, e.Title);
                throw;
            }
            span?.SetTag("image.width", image.OriginalWidth);
            span?.SetTag("image.height", image.OriginalHeight);
            span?.SetTag("image.decoded_width", image.Width);
            span?.SetTag("image.decoded_height", image.Height);
        }
        telemetry.Record("decode", start);
        using (image)
        {
            return Analyze(image, mode, maxEmbedded);
        }
    }

    public FaceAnalysis Analyze(RgbaImage image, EmbedMode mode, int maxEmbedded = int.MaxValue)
    {
        List<FaceCandidate> faces;
        var start = Stopwatch.GetTimestamp();
        using (var span = InferenceTelemetry.Source.StartActivity("detect"))
        {
            faces = detector.Detect(image, out var passes);
            faces.Sort(static (a, b) => b.Area.CompareTo(a.Area));
            span?.SetTag("detector.passes", passes);
            span?.SetTag("face.count", faces.Count);
        }
        telemetry.Record("detect", start);
        telemetry.Images.Add(1);
        telemetry.Faces.Add(faces.Count);

        FaceLandmarks?[] marks;
        start = Stopwatch.GetTimestamp();
        using (var span = InferenceTelemetry.Source.StartActivity("landmarks"))
        {
            marks = mode == EmbedMode.Largest ? PrimaryFirst(image, faces) : AllFirst(image, faces);
            span?.SetTag("face.count", marks.Count(l => l is not null));
        }
        telemetry.Record("landmarks", start);

        var toEmbed = mode switch
        {
            EmbedMode.None => 0,
            EmbedMode.Largest => Math.Min(1, faces.Count),
            _ => Math.Min(Math.Max(maxEmbedded, 0), faces.Count),
        };
        float[][] embeddings = [];
        if (toEmbed > 0)
        {
            start = Stopwatch.GetTimestamp();
            using var span = InferenceTelemetry.Source.StartActivity("embed");
            span?.SetTag("face.count", toEmbed);
            embeddings = embedder.Embed(image, [.. marks.Take(toEmbed).Select(l => l!)]);
            telemetry.Record("embed", start);
        }

        var scale = new System.Numerics.Vector2(image.ScaleX, image.ScaleY);
        var result = new DetectedFace[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            var x1 = Clamp(f.X1 * scale.X, image.OriginalWidth);
            var y1 = Clamp(f.Y1 * scale.Y, image.OriginalHeight);
            var box = new FaceBox(x1, y1, Clamp(f.X2 * scale.X, image.OriginalWidth) - x1,
                Clamp(f.Y2 * scale.Y, image.OriginalHeight) - y1);
            float[][] five = [];
            FaceQuality? quality = null;
            if (marks[i] is { } l)
            {
                var points = l.Five.ToArray();
                five = [.. points.Select(p => new[] { p.X * scale.X, p.Y * scale.Y })];
                quality = QualityEstimator.Estimate(image, f, l, MathF.Min(scale.X, scale.Y));
            }
            result[i] = new DetectedFace(box, f.Score, five, i < embeddings.Length ? embeddings[i] : null, quality);
        }
        return new FaceAnalysis(image.OriginalWidth, image.OriginalHeight, embedder.ModelName, faces.Count, result);
    }

    /// <summary>
    /// Finds the face the API uses — the largest whole, confident one — and moves it to the front (the rest stay
    /// largest first). Faces are examined largest first and only until one qualifies, so a crowd costs one landmark
    /// run, not one per face. Faces cut by the border or scored low by the detector are used only when nothing better
    /// exists: in photos of several people they are bystanders or background more often than the subject.
    /// </summary>
    private FaceLandmarks?[] PrimaryFirst(RgbaImage image, List<FaceCandidate> faces)
    {
        var found = new FaceLandmarks?[faces.Count];
        var primary = -1;
        for (var i = 0; i < faces.Count && primary < 0; i++)
        {
            found[i] = landmarks.Detect(image, faces[i]);
            if (IsWhole(faces[i], found[i]!, image)) primary = i;
        }
        MoveToFront(faces, found, Math.Max(primary, 0));
        return found;
    }

    /// <summary>Every face's landmarks; the face the API would use goes first.</summary>
    private FaceLandmarks?[] AllFirst(RgbaImage image, List<FaceCandidate> faces)
    {
        FaceLandmarks?[] found = landmarks.Detect(image, faces);
        for (var i = 0; i < faces.Count; i++)
        {
            if (!IsWhole(faces[i], found[i]!, image)) continue;
            MoveToFront(faces, found, i);
            break;
        }
        return found;
    }

    private bool IsWhole(in FaceCandidate face, FaceLandmarks points, RgbaImage image) =>
        face.Score >= options.PreferredScore && points.WithinImage(image.Width, image.Height);

    private static void MoveToFront(List<FaceCandidate> faces, FaceLandmarks?[] found, int index)
    {
        if (index <= 0) return;
        var face = faces[index];
        var points = found[index];
        faces.RemoveAt(index);
        faces.Insert(0, face);
        Array.Copy(found, 0, found, 1, index);
        found[0] = points;
    }

    private static float Clamp(float v, int max) => Math.Clamp(v, 0, max);
}
