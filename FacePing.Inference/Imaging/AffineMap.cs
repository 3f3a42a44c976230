namespace FacePing.Inference.Imaging;

/// <summary>
/// Maps an output pixel (x, y) to a source position: (A·x + B·y + C, D·x + E·y + F), in pixel-index coordinates
/// (pixel i's centre is at i).
/// </summary>
public readonly record struct AffineMap(float A, float B, float C, float D, float E, float F)
{
    /// <summary>The map that stretches the source rectangle onto an output of the given size.</summary>
    public static AffineMap FromRect(float x, float y, float width, float height, int outWidth, int outHeight)
    {
        var sx = width / outWidth;
        var sy = height / outHeight;
        // Pixel centres line up: output centre x+0.5 lands on source x + (x+0.5)·sx, minus the source half pixel.
        return new AffineMap(sx, 0, x + 0.5f * sx - 0.5f, 0, sy, y + 0.5f * sy - 0.5f);
    }

    /// <summary>How many source pixels one output pixel spans (the larger axis).</summary>
    public float Footprint => MathF.Max(MathF.Abs(A) + MathF.Abs(B), MathF.Abs(D) + MathF.Abs(E));
}
