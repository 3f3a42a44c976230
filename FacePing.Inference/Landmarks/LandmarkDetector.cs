using System.Numerics;
using FacePing.Inference.Detection;
using FacePing.Inference.Imaging;
using FacePing.Inference.Models;

namespace FacePing.Inference.Landmarks;

/// <summary>
/// The 68-point (iBUG order) landmark model on a 64×64 grey crop around the detector's box (see <see cref="Crop"/>).
/// </summary>
public sealed class LandmarkDetector(FaceModels models)
{
    public const int Size = 64;
    private const int Plane = Size * Size;
    private readonly OnnxModel _model = models.Landmarks;

    public FaceLandmarks Detect(RgbaImage image, in FaceCandidate face) => DetectOne(image, face);

    /// <summary>
    /// Every face's points. The model takes one face a run, so a crowd's faces run side by side, one core each.
    /// </summary>
    public FaceLandmarks[] Detect(RgbaImage image, IReadOnlyList<FaceCandidate> faces)
    {
        var result = new FaceLandmarks[faces.Count];
        if (faces.Count == 1) result[0] = DetectOne(image, faces[0]);
        else if (faces.Count > 1)
        {
            Parallel.For(0, faces.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => result[i] = DetectOne(image, faces[i]));
        }
        return result;
    }

    private FaceLandmarks DetectOne(RgbaImage image, in FaceCandidate face)
    {
        var input = TensorRunner.Rent(Plane);
        try
        {
            var (x, y, side) = Crop(face);
            Sampler.SampleGrey(image, AffineMap.FromRect(x, y, side, side, Size, Size), Size, Size,
                input.AsSpan(0, Plane), 0f, 1f / 256f);
            using var outputs = TensorRunner.Run(_model, input, [1, 1, Size, Size]);
            return ToImage(outputs[0].GetTensorDataAsSpan<float>(), x, y, side);
        }
        finally
        {
            TensorRunner.Return(input);
        }
    }

    /// <summary>
    /// The model came with the UltraFace detector and expects its box made square on its height. YuNet draws boxes
    /// tighter and a little lower: on LFW View 1's training photos, UltraFace's box of the same face was 1.055× as
    /// tall (sd 0.07) and centred 0.022 of the height higher (sd 0.03), so the crop is rebuilt from YuNet's box so.
    /// </summary>
    private static (float X, float Y, float Side) Crop(in FaceCandidate face)
    {
        var side = CropSide * face.Height;
        var centreY = face.CentreY + CropShift * face.Height;
        return (face.CentreX - side / 2, centreY - side / 2, side);
    }

    private const float CropSide = 1.055f;
    private const float CropShift = -0.022f;

    /// <summary>The model answers in [0, 1] of the crop.</summary>
    private static FaceLandmarks ToImage(ReadOnlySpan<float> p, float x, float y, float side)
    {
        var points = new Vector2[FaceLandmarks.Count];
        for (var i = 0; i < points.Length; i++) points[i] = new Vector2(x + p[2 * i] * side, y + p[2 * i + 1] * side);
        return new FaceLandmarks(points);
    }
}
