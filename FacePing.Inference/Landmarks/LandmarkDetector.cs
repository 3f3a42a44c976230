using System.Numerics;
using FacePing.Inference.Detection;
using FacePing.Inference.Imaging;
using FacePing.Inference.Models;

namespace FacePing.Inference.Landmarks;

/// <summary>
/// The 68-point (iBUG order) landmark model on a 64×64 grey crop: the detector box made square on its height, centred.
/// </summary>
public sealed class LandmarkDetector(FaceModels models)
{
    public const int Size = 64;
    private const int Plane = Size * Size;
    private readonly OnnxModel _model = models.Landmarks;

    public FaceLandmarks Detect(RgbaImage image, in FaceCandidate face) => Detect(image, [face])[0];

    public FaceLandmarks[] Detect(RgbaImage image, IReadOnlyList<FaceCandidate> faces)
    {
        var result = new FaceLandmarks[faces.Count];
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
                    result[start + i] = ToImage(points.Slice(i * stride, stride), x, y, side);
                }
            }
        }
        finally
        {
            TensorRunner.Return(input);
        }
        return result;
    }

    /// <summary>
    /// The model was made for UltraFace's boxes made square on their height. YuNet's boxes (the ones with five points)
    /// are drawn tighter and a little lower: on LFW View 1's training photos, UltraFace's box of the same face is
    /// 1.055× as tall (sd 0.07) and centred 0.022 of the height higher (sd 0.03), so its crop is rebuilt from them.
    /// </summary>
    private static (float X, float Y, float Side) Crop(in FaceCandidate face)
    {
        var yunet = face.Points is not null;
        var side = yunet ? YuNetSide * face.Height : face.Height;
        var centreY = yunet ? face.CentreY + YuNetShift * face.Height : face.CentreY;
        return (face.CentreX - side / 2, centreY - side / 2, side);
    }

    private const float YuNetSide = 1.055f;
    private const float YuNetShift = -0.022f;

    /// <summary>The model answers in [0, 1] of the crop.</summary>
    private static FaceLandmarks ToImage(ReadOnlySpan<float> p, float x, float y, float side)
    {
        var points = new Vector2[FaceLandmarks.Count];
        for (var i = 0; i < points.Length; i++) points[i] = new Vector2(x + p[2 * i] * side, y + p[2 * i + 1] * side);
        return new FaceLandmarks(points);
    }
}
