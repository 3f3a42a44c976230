using System.Numerics;
using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;

namespace FacePing.Inference.Alignment;

/// <summary>
/// Least-squares similarity transform (rotation, uniform scale, translation; no reflection) of the five
/// landmarks onto the ArcFace 112×112 template, expressed as the inverse map the sampler needs.
/// </summary>
public static class FaceAligner
{
    public const int Size = 112;

    private static readonly Vector2[] Template =
    [
        new(38.2946f, 51.6963f),
        new(73.5318f, 51.5014f),
        new(56.0252f, 71.7366f),
        new(41.5493f, 92.3655f),
        new(70.7299f, 92.2041f),
    ];

    /// <summary>The map from aligned-crop pixels back to image pixels.</summary>
    public static AffineMap Estimate(in FivePoints points)
    {
        var srcMean = Vector2.Zero;
        var dstMean = Vector2.Zero;
        for (var i = 0; i < 5; i++)
        {
            srcMean += points.At(i);
            dstMean += Template[i];
        }
        srcMean /= 5;
        dstMean /= 5;

        // dst = [a −b; b a]·src + t minimises Σ‖dst − T(src)‖² with a = Σ(s·d)/Σ|s|², b = Σ(s×d)/Σ|s|².
        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < 5; i++)
        {
            var s = points.At(i) - srcMean;
            var d = Template[i] - dstMean;
            dot += s.X * d.X + s.Y * d.Y;
            cross += s.X * d.Y - s.Y * d.X;
            norm += s.X * s.X + s.Y * s.Y;
        }
        if (norm < 1e-6) norm = 1e-6;
        var a = dot / norm;
        var b = cross / norm;

        // Inverse: src = (1/(a²+b²))·[a b; −b a]·(dst − t), and t = dstMean − [a −b; b a]·srcMean.
        var det = a * a + b * b;
        if (det < 1e-12) det = 1e-12;
        var ia = a / det;
        var ib = b / det;
        // src = M·dst + c with M = [ia ib; −ib ia], c = srcMean − M·dstMean.
        var cx = srcMean.X - (ia * dstMean.X + ib * dstMean.Y);
        var cy = srcMean.Y - (-ib * dstMean.X + ia * dstMean.Y);
        return new AffineMap((float)ia, (float)ib, (float)cx, (float)-ib, (float)ia, (float)cy);
    }
}
