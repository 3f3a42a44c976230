using System.Numerics;

namespace FacePing.Inference.Landmarks;

/// <summary>The 68 iBUG points of one face, in the pixels of the image they were found in.</summary>
public sealed class FaceLandmarks(Vector2[] points)
{
    public const int Count = 68;

    public Vector2 this[int index] => points[index];

    public ReadOnlySpan<Vector2> Points => points;

    /// <summary>
    /// The five points the API reports and the ArcFace template aligns: eye centres, nose tip, mouth corners.
    /// </summary>
    public FivePoints Five => new(Mean(36, 41), Mean(42, 47), points[30], points[48], points[54]);

    /// <summary>
    /// Whether every point, jaw line included, lies in the image: a face cut by the photo's border is not whole.
    /// Such faces recognise badly, and in crowded photos they are often a bystander's.
    /// </summary>
    public bool WithinImage(int width, int height)
    {
        foreach (var p in points)
        {
            if (p.X < 0 || p.Y < 0 || p.X > width || p.Y > height) return false;
        }
        return true;
    }

    public FaceLandmarks Scaled(Vector2 scale) => new([.. points.Select(p => p * scale)]);

    private Vector2 Mean(int from, int to)
    {
        var sum = Vector2.Zero;
        for (var i = from; i <= to; i++) sum += points[i];
        return sum / (to - from + 1);
    }
}
