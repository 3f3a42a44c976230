using FacePing.Inference.Imaging;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using Microsoft.Extensions.Options;

namespace FacePing.Inference.Detection;

/// <summary>
/// YuNet 2023mar (libfacedetection.train, Apache-2.0): a fully convolutional detector that runs on any input whose
/// sides are multiples of 32, and gives each face five points. A photo is seen at its own resolution up to
/// <see cref="ModelOptions.DetectionSide"/> on its long side (small faces need their pixels), and large photos are
/// seen once more shrunk to <see cref="CoarseSide"/>, where faces too big for the network's grid (it was trained on
/// 640-pixel crops) fit. Both passes are merged by non-maximum suppression.
/// </summary>
public sealed class YuNetDetector
{
    /// <summary>The network's input sides must be multiples of its coarsest stride.</summary>
    public const int Alignment = 32;

    /// <summary>The long side of the second, coarse pass: the training crops' size.</summary>
    public const int CoarseSide = 640;

    // A second pass pays only when the first shrank faces little: below this ratio it would see the same faces.
    private const float CoarseFromRatio = 1.6f;

    private readonly OnnxModel _model;
    private readonly ModelOptions _options;
    private readonly int[] _outputs;

    public YuNetDetector(FaceModels models, IOptions<ModelOptions> options)
    {
        _model = models.Detector;
        _options = options.Value;
        // cls, obj, bbox, kps for each stride, found by name so the file's output order does not matter.
        _outputs = [.. new[] { "cls", "obj", "bbox", "kps" }
            .SelectMany(kind => YuNetDecoder.Strides.Select(s => IndexOf(_model, $"{kind}_{s}")))];
    }

    /// <summary>Faces in <paramref name="image"/>'s (decoded) pixel coordinates, best score first.</summary>
    /// <param name="passes">How many detector runs it took (1, or 2 for a large photo).</param>
    public List<FaceCandidate> Detect(RgbaImage image, out int passes)
    {
        var found = new List<FaceCandidate>();
        var longSide = Math.Max(image.Width, image.Height);
        var fine = MathF.Min(1f, (float)_options.DetectionSide / longSide);
        RunPass(image, fine, found);
        passes = 1;
        if (longSide * fine >= CoarseSide * CoarseFromRatio)
        {
            RunPass(image, (float)CoarseSide / longSide, found);
            passes++;
        }
        var faces = NonMaxSuppression.Apply(found, _options.NmsThreshold);
        faces.RemoveAll(f => f.Height >= _options.LargeFaceSide && f.Score < _options.LargeFaceScoreThreshold);
        return faces;
    }

    /// <summary>One run on the whole photo scaled by <paramref name="scale"/>, padded right and below to 32.</summary>
    private void RunPass(RgbaImage image, float scale, List<FaceCandidate> found)
    {
        var contentW = Math.Max(1, (int)MathF.Round(image.Width * scale));
        var contentH = Math.Max(1, (int)MathF.Round(image.Height * scale));
        var width = Padded(contentW);
        var height = Padded(contentH);
        // The map stretches exactly the photo onto the content area; the rest of the input reads as black.
        var sx = (float)image.Width / contentW;
        var sy = (float)image.Height / contentH;
        var map = new AffineMap(sx, 0, 0.5f * sx - 0.5f, 0, sy, 0.5f * sy - 0.5f);
        var length = 3 * width * height;
        var input = TensorRunner.Rent(length);
        try
        {
            Sampler.SampleBgr(image, map, width, height, input.AsSpan(0, length), 0f, 1f);
            using var outputs = TensorRunner.Run(_model, input, [1, 3, height, width]);
            for (var s = 0; s < YuNetDecoder.Strides.Length; s++)
            {
                var level = new YuNetDecoder.Level(YuNetDecoder.Strides[s],
                    outputs[_outputs[s]].GetTensorDataAsSpan<float>(),
                    outputs[_outputs[3 + s]].GetTensorDataAsSpan<float>(),
                    outputs[_outputs[6 + s]].GetTensorDataAsSpan<float>(),
                    outputs[_outputs[9 + s]].GetTensorDataAsSpan<float>());
                YuNetDecoder.Decode(level, width, MathF.Min(_options.ScoreThreshold, _options.LargeFaceScoreThreshold),
                    sx, sy, found);
            }
        }
        finally
        {
            TensorRunner.Return(input);
        }
    }

    private static int Padded(int side) => (side + Alignment - 1) / Alignment * Alignment;

    private static int IndexOf(OnnxModel model, string name)
    {
        for (var i = 0; i < model.OutputNames.Count; i++)
        {
            if (model.OutputNames[i] == name) return i;
        }
        throw new InvalidOperationException($"{model.FileName} has no output '{name}'; is it YuNet 2023mar?");
    }
}
