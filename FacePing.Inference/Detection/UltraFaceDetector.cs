using FacePing.Inference.Imaging;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using Microsoft.Extensions.Options;

namespace FacePing.Inference.Detection;

/// <summary>
/// UltraFace RFB-320. One pass sees the whole image squeezed to 320×240; faces smaller than ~15 input pixels are
/// lost there, so large images get further passes over overlapping 4:3 tiles at finer scales, merged by NMS.
/// </summary>
public sealed class UltraFaceDetector : IFaceDetector
{
    public const int InputWidth = 320;
    public const int InputHeight = 240;

    // Each level is this many times finer than the previous: the model covers faces of ~15–200 input pixels.
    private const float LevelRatio = 2.5f;
    // Finest level in decoded pixels per input pixel: finer tiles only find faces too small to recognise.
    private const float FinestScale = 1.5f;
    private const float TileOverlap = 0.25f;
    // Tile detections at least this tall once squeezed into the whole-image input must be confirmed by that pass.
    private const float ConfirmFromInputPixels = 24f;
    // Largest aspect distortion a region may get by being stretched onto the detector input; beyond it, it is padded.
    private const float MaxSqueeze = 1.5f;
    // A tile detection this close (input pixels) to an inner tile edge is likely cut; the neighbour sees it whole.
    private const float EdgeMargin = 2f;

    private readonly OnnxModel _model;
    private readonly ModelOptions _options;
    private readonly int _scoresOutput;
    private readonly int _boxesOutput;

    public UltraFaceDetector(FaceModels models, IOptions<ModelOptions> options)
    {
        _model = models.Detector;
        _options = options.Value;
        _scoresOutput = IndexOf(_model, "scores", 0);
        _boxesOutput = IndexOf(_model, "boxes", 1);
    }

    public List<FaceCandidate> Detect(RgbaImage image, out int passes)
    {
        var whole = new List<FaceCandidate>();
        var input = TensorRunner.Rent(3 * InputWidth * InputHeight);
        try
        {
            var threshold = _options.ScoreThreshold;
            RunRegion(image, 0, 0, image.Width, image.Height, input, whole, threshold, edges: default);
            passes = 1;
            var found = new List<FaceCandidate>(whole);
            var scale = MathF.Max((float)image.Width / InputWidth, (float)image.Height / InputHeight);
            if (scale >= _options.TilingFromScale)
            {
                var tiled = new List<FaceCandidate>();
                for (var k = scale / LevelRatio; k >= FinestScale; k /= LevelRatio)
                {
                    passes += RunTiles(this, image, k, tiled, threshold);
                }
                // Tiles see faces without their context and then take bodies or animals for faces (a torso scored 0.99,
                // a dog 1.0). So tiles only add faces too small for the whole-image pass; a bigger one counts only
                // where the whole-image pass found it too (the tile then may refine its box).
                var wholeScale = (float)InputHeight / PadToInputAspect(0, 0, image.Width, image.Height).H;
                foreach (var t in tiled)
                {
                    if (t.Height * wholeScale < ConfirmFromInputPixels || whole.Exists(w => w.IoU(t) >= 0.3f))
                        found.Add(t);
                }
            }
            return NonMaxSuppression.Apply(found, _options.NmsThreshold);
        }
        finally
        {
            TensorRunner.Return(input);
        }
    }

    /// <summary>Runs the tiles of one level side by side (the detector's batch size is fixed at 1).</summary>
    private static int RunTiles(UltraFaceDetector detector, RgbaImage image, float k, List<FaceCandidate> found,
        float threshold)
    {
        var tileW = Math.Min(InputWidth * k, image.Width);
        var tileH = Math.Min(InputHeight * k, image.Height);
        var xs = Positions(image.Width, tileW);
        var ys = Positions(image.Height, tileH);
        var count = xs.Length * ys.Length;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => (Input: TensorRunner.Rent(3 * InputWidth * InputHeight), Found: new List<FaceCandidate>()),
            (i, _, local) =>
            {
                var x = xs[i % xs.Length];
                var y = ys[i / xs.Length];
                var edges = new InnerEdges(x > 0, y > 0, x + tileW < image.Width - 0.5f,
                    y + tileH < image.Height - 0.5f);
                detector.RunRegion(image, x, y, tileW, tileH, local.Input, local.Found, threshold, edges);
                return local;
            },
            local =>
            {
                TensorRunner.Return(local.Input);
                lock (found) found.AddRange(local.Found);
            });
        return count;
    }

    private static float[] Positions(int extent, float tile)
    {
        if (tile >= extent - 0.5f) return [0];
        var step = tile * (1 - TileOverlap);
        var count = (int)MathF.Ceiling((extent - tile) / step) + 1;
        var stride = (extent - tile) / (count - 1);
        var positions = new float[count];
        for (var i = 0; i < count; i++) positions[i] = i * stride;
        return positions;
    }

    private void RunRegion(RgbaImage image, float x, float y, float w, float h, float[] input,
        List<FaceCandidate> found, float threshold, InnerEdges edges)
    {
        var (px, py, pw, ph) = PadToInputAspect(x, y, w, h);
        var map = AffineMap.FromRect(px, py, pw, ph, InputWidth, InputHeight);
        Sampler.SampleRgb(image, map, InputWidth, InputHeight, input.AsSpan(0, 3 * InputWidth * InputHeight), 127f,
            1f / 128f);
        using var outputs = TensorRunner.Run(_model, input, [1, 3, InputHeight, InputWidth]);
        var scores = outputs[_scoresOutput].GetTensorDataAsSpan<float>();
        var boxes = outputs[_boxesOutput].GetTensorDataAsSpan<float>();
        var count = scores.Length / 2;
        var marginX = EdgeMargin * pw / InputWidth;
        var marginY = EdgeMargin * ph / InputHeight;
        for (var a = 0; a < count; a++)
        {
            var score = scores[2 * a + 1];
            if (score < threshold) continue;
            var x1 = px + boxes[4 * a] * pw;
            var y1 = py + boxes[4 * a + 1] * ph;
            var x2 = px + boxes[4 * a + 2] * pw;
            var y2 = py + boxes[4 * a + 3] * ph;
            if ((edges.Left && x1 < x + marginX) || (edges.Top && y1 < y + marginY)
                || (edges.Right && x2 > x + w - marginX) || (edges.Bottom && y2 > y + h - marginY)) continue;
            found.Add(new FaceCandidate(x1, y1, x2, y2, score));
        }
    }

    /// <summary>
    /// The detector sees 4:3 inputs. Squeezing a square photo into them (1.33× wider faces) is within what it was
    /// trained on, and pads would make it see dogs and torsos as faces more readily; a tall portrait squeezed 2.4×
    /// gives boxes that cover two thirds of the face. So regions distorted by more than <see cref="MaxSqueeze"/> are
    /// padded to 4:3 around their centre instead (outside the image reads as black).
    /// </summary>
    private static (float X, float Y, float W, float H) PadToInputAspect(float x, float y, float w, float h)
    {
        const float aspect = (float)InputWidth / InputHeight;
        var distortion = MathF.Max(w / (h * aspect), h * aspect / w);
        if (distortion <= MaxSqueeze) return (x, y, w, h);
        if (w > h * aspect) return (x, y - (w / aspect - h) / 2, w, w / aspect);
        return (x - (h * aspect - w) / 2, y, h * aspect, h);
    }

    private static int IndexOf(OnnxModel model, string name, int fallback)
    {
        for (var i = 0; i < model.OutputNames.Count; i++)
        {
            if (model.OutputNames[i].Equals(name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return fallback;
    }

    private readonly record struct InnerEdges(bool Left, bool Top, bool Right, bool Bottom);
}
