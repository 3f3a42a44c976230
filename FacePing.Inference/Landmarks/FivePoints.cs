using System.Numerics;

namespace FacePing.Inference.Landmarks;

/// <summary>Left eye, right eye, nose tip, left and right mouth corner (as seen in the image), in pixels.</summary>
public readonly record struct FivePoints(Vector2 LeftEye, Vector2 RightEye, Vector2 Nose, Vector2 MouthLeft,
    Vector2 MouthRight);

public static class FivePointsExtensions
{
    public static Vector2[] ToArray(this in FivePoints p) => [p.LeftEye, p.RightEye, p.Nose, p.MouthLeft, p.MouthRight];

    public static Vector2 At(this in FivePoints p, int index) => index switch
    {
        0 => p.LeftEye,
        1 => p.RightEye,
        2 => p.Nose,
        3 => p.MouthLeft,
        4 => p.MouthRight,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };
}
