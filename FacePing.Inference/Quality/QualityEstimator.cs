using System.Numerics;
using FacePing.Contracts.Inference;
using FacePing.Inference.Alignment;
using FacePing.Inference.Detection;
using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;

namespace FacePing.Inference.Quality;

/// <summary>
/// Face quality from what the pipeline already has: the box (size, detector score), the 68 landmarks (pose, whether the
/// face is cut by the border) and a small grey crop aligned like the recognition input (brightness, sharpness). Costs
/// one 48×48 resample and a pass over it: about 20 µs a face. Factor limits were set on LFW View 1 so that the score
/// falls where recognition fails (docs/quality.md).
/// </summary>
public static class QualityEstimator
{
    private const int Crop = 48;

    // Where each factor starts to cost (no penalty above) and where it reaches zero.
    private const float SizeFull = 44, SizeZero = 14;
    private const float SharpFull = 0.30f, SharpZero = 0.08f;
    private const float YawFree = 35, YawZero = 85;
    private const float PitchFree = 25, PitchZero = 70;
    // A factor below this names its issue.
    private const float IssueBelow = 0.75f;

    public static FaceQuality Estimate(RgbaImage image, in FaceCandidate face, FaceLandmarks landmarks,
        float originalScale)
    {
        var faceSize = (int)MathF.Round(MathF.Min(face.Width, face.Height) * originalScale);
        var (yaw, pitch, roll) = Pose(landmarks);
        var (brightness, sharpness) = Appearance(image, landmarks);
        var whole = landmarks.WithinImage(image.Width, image.Height);

        var sizeFactor = Ramp(faceSize, SizeZero, SizeFull);
        var sharpFactor = Ramp(sharpness, SharpZero, SharpFull);
        var exposureFactor = Ramp(brightness, 0.05f, 0.2f) * Ramp(1 - brightness, 0.05f, 0.15f);
        var poseFactor = Ramp(YawZero - MathF.Abs(yaw), 0, YawZero - YawFree)
            * Ramp(PitchZero - MathF.Abs(pitch), 0, PitchZero - PitchFree);
        // YuNet scores clear faces 0.88–0.94 and keeps faces from 0.7 (ModelOptions.ScoreThreshold).
        var certainty = Ramp(face.Score, 0.55f, 0.9f);
        var score = sizeFactor * sharpFactor * exposureFactor * poseFactor * certainty * (whole ? 1f : 0.6f);

        var issues = new List<string>();
        if (sizeFactor < IssueBelow) issues.Add("small");
        if (sharpFactor < IssueBelow) issues.Add("blurry");
        if (brightness < 0.2f) issues.Add("dark");
        if (brightness > 0.85f) issues.Add("overexposed");
        if (poseFactor < IssueBelow) issues.Add("pose");
        if (!whole) issues.Add("cut");
        if (certainty < IssueBelow) issues.Add("uncertain");
        return new FaceQuality(MathF.Round(score, 3), faceSize, MathF.Round(sharpness, 3), MathF.Round(brightness, 3),
            MathF.Round(yaw, 1), MathF.Round(pitch, 1), MathF.Round(roll, 1), issues);
    }

    /// <summary>
    /// 0 at <paramref name="zero"/> or below, 1 at <paramref name="full"/> or above, smooth in between.
    /// </summary>
    private static float Ramp(float value, float zero, float full)
    {
        var t = Math.Clamp((value - zero) / (full - zero), 0f, 1f);
        return t * t * (3 - 2 * t);
    }

    /// <summary>
    /// Approximate head pose from 2-D landmarks, in the frame where the eye line is horizontal: yaw from how far the
    /// nose tip sits off the eyes' midpoint (half the eye distance ≈ 90°), pitch from where it sits between eyes and
    /// mouth (frontal faces put it at ~55 %).
    /// </summary>
    private static (float Yaw, float Pitch, float Roll) Pose(FaceLandmarks l)
    {
        var five = l.Five;
        var eyeLine = five.RightEye - five.LeftEye;
        var roll = MathF.Atan2(eyeLine.Y, eyeLine.X);
        var eyes = (five.LeftEye + five.RightEye) / 2;
        var mouth = (five.MouthLeft + five.MouthRight) / 2;
        var rotate = Matrix3x2.CreateRotation(-roll);
        var nose = Vector2.Transform(five.Nose - eyes, rotate);
        var mouthDown = Vector2.Transform(mouth - eyes, rotate).Y;
        var eyeDistance = eyeLine.Length();
        if (eyeDistance < 1e-3f || mouthDown < 1e-3f) return (0, 0, Degrees(roll));
        var yaw = MathF.Asin(Math.Clamp(nose.X / (0.5f * eyeDistance), -1f, 1f));
        var pitch = MathF.Asin(Math.Clamp((nose.Y / mouthDown - 0.55f) / 0.45f, -1f, 1f));
        return (Degrees(yaw), Degrees(pitch), Degrees(roll));
    }

    private static float Degrees(float radians) => radians * 180f / MathF.PI;

    /// <summary>
    /// Mean luminance and sharpness of the face aligned onto a 48×48 ArcFace-like crop: the mean absolute Laplacian
    /// over the inner face, relative to the crop's standard deviation (so contrast does not pass for detail).
    /// </summary>
    private static (float Brightness, float Sharpness) Appearance(RgbaImage image, FaceLandmarks landmarks)
    {
        Span<float> grey = stackalloc float[Crop * Crop];
        var map = FaceTemplate.ArcFace112.Align(landmarks);
        const float s = 112f / Crop;
        // The template's map scaled so 48 output pixels cover the 112-pixel template (pixel centres line up).
        var scaled = new AffineMap(map.A * s, map.B * s, map.C + (map.A + map.B) * (s - 1) / 2,
            map.D * s, map.E * s, map.F + (map.D + map.E) * (s - 1) / 2);
        Sampler.SampleGrey(image, scaled, Crop, Crop, grey, 0f, 1f / 255f);

        float sum = 0, sumSquares = 0;
        foreach (var v in grey)
        {
            sum += v;
            sumSquares += v * v;
        }
        var n = grey.Length;
        var mean = sum / n;
        var sd = MathF.Sqrt(MathF.Max(sumSquares / n - mean * mean, 1e-6f));

        float laplacian = 0;
        var count = 0;
        for (var y = 8; y < Crop - 8; y++)
        {
            for (var x = 8; x < Crop - 8; x++)
            {
                var i = y * Crop + x;
                laplacian += MathF.Abs(4 * grey[i] - grey[i - 1] - grey[i + 1] - grey[i - Crop] - grey[i + Crop]);
                count++;
            }
        }
        return (mean, Math.Clamp(laplacian / count / sd, 0f, 1f));
    }
}
