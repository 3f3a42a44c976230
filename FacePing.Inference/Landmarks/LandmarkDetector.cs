using System.Numerics;
using FacePing.Inference.Detection;
using FacePing.Inference.Imaging;
using FacePing.Inference.Models;

namespace FacePing.Inference.Landmarks;

/// <summary>
/// The 68-point (iBUG order) landmark model on a 64×64 grey crop: the detector box made square on its height,
/// centred. The 68 points are reduced to the five the ArcFace alignment template uses.
/// </summary>
public sealed class LandmarkDetector(FaceModels models)
{
    public const int Size = 64;
    private const int Plane = Size * Size;
    private readonly OnnxModel _model = models.Landmarks;

    public FivePoints[] Detect(RgbaImage image, IReadOnlyList<FaceCandidate> faces)
    {
        var result = new FivePoints[faces.Count];
        if (faces.Count == 0) return result;
        var batch = _model.AcceptsBatch ? faces.Count : 1;
        var input = TensorRunner.Rent(batch * Plane);
        try
        {
            for (var start = 0; start < faces.Count; start += batch)
            {
                var n = Math.Min(batch, faces.Count - start);
                for (var i = 0; i < n; i++)
                {
                    var (x, y, side) = Crop(faces[start + i]);
                    Sampler.SampleGrey(image, AffineMap.FromRect(x, y, side, side, Size, Size), Size, Size,
                        input.AsSpan(i * Plane, Plane), 0f, 1f / 256f);
                }
                using var outputs = TensorRunner.Run(_model, input, [n, 1, Size, Size]);
                var points = outputs[0].GetTensorDataAsSpan<float>();
                var stride = points.Length / n;
                for (var i = 0; i < n; i++)
                {
                    var (x, y, side) = Crop(faces[start + i]);
                    result[start + i] = ToFive(points.Slice(i * stride, stride), x, y, side);
                }
            }
        }
        finally
        {
            TensorRunner.Return(input);
        }
        return result;
    }

    private static (float X, float Y, float Side) Crop(in FaceCandidate face)
    {
        var side = face.Height;
        return (face.CentreX - side / 2, face.CentreY - side / 2, side);
    }

    private static FivePoints ToFive(ReadOnlySpan<float> p, float x, float y, float side)
    {
        return new FivePoints(Mean(p, 36, 41, x, y, side), Mean(p, 42, 47, x, y, side), Mean(p, 30, 30, x, y, side),
            Mean(p, 48, 48, x, y, side), Mean(p, 54, 54, x, y, side));
    }

    private static Vector2 Mean(ReadOnlySpan<float> p, int from, int to, float x, float y, float side)
    {
        var sum = Vector2.Zero;
        for (var i = from; i <= to; i++) sum += new Vector2(x + p[2 * i] * side, y + p[2 * i + 1] * side);
        return sum / (to - from + 1);
    }
}
