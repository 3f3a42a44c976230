using FacePing.Inference.Landmarks;

namespace FacePing.Inference.Detection;

/// <summary>
/// A detected face box (corners, in the pixels of the image it was found in), its detector score and, when the detector
/// gives them, its five points (eye centres, nose tip, mouth corners) in the same pixels.
/// </summary>
public readonly record struct FaceCandidate(float X1, float Y1, float X2, float Y2, float Score,
    FivePoints? Points = null)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
    public float Area => MathF.Max(0, Width) * MathF.Max(0, Height);
    public float CentreX => (X1 + X2) / 2;
    public float CentreY => (Y1 + Y2) / 2;

    public float Intersection(in FaceCandidate other)
    {
        var w = MathF.Min(X2, other.X2) - MathF.Max(X1, other.X1);
        var h = MathF.Min(Y2, other.Y2) - MathF.Max(Y1, other.Y1);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }

    public float IoU(in FaceCandidate other)
    {
        var i = Intersection(other);
        return i <= 0 ? 0 : i / (Area + other.Area - i);
    }
}
