using System.Numerics;
using FacePing.Inference.Imaging;

namespace FacePing.Inference.Alignment;

/// <summary>
/// Least-squares similarity transform (rotation, uniform scale, translation; no reflection) of landmarks onto a
/// template, expressed as the map from template (crop) pixels back to image pixels that the sampler needs.
/// </summary>
public static class FaceAligner
{
    public static AffineMap Estimate(ReadOnlySpan<Vector2> points, ReadOnlySpan<Vector2> template)
    {
        if (points.Length != template.Length || points.Length < 2)
            throw new ArgumentException("Points and template must pair up.");
        var srcMean = Vector2.Zero;
        var dstMean = Vector2.Zero;
        for (var i = 0; i < points.Length; i++)
        {
            srcMean += template[i];
            dstMean += points[i];
        }
        srcMean /= points.Length;
        dstMean /= points.Length;

        // image = [a −b; b a]·template + t minimises Σ‖image − T(template)‖² with a = Σ(s·d)/Σ|s|², b = Σ(s×d)/Σ|s|².
        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < points.Length; i++)
        {
            var s = template[i] - srcMean;
            var d = points[i] - dstMean;
            dot += s.X * d.X + s.Y * d.Y;
            cross += s.X * d.Y - s.Y * d.X;
            norm += s.X * s.X + s.Y * s.Y;
        }
        if (norm < 1e-12) norm = 1e-12;
        var a = dot / norm;
        var b = cross / norm;
        var tx = dstMean.X - (a * srcMean.X - b * srcMean.Y);
        var ty = dstMean.Y - (b * srcMean.X + a * srcMean.Y);
        return new AffineMap((float)a, (float)-b, (float)tx, (float)b, (float)a, (float)ty);
    }
}
