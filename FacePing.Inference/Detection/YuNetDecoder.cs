using System.Numerics;
using FacePing.Inference.Landmarks;

namespace FacePing.Inference.Detection;

/// <summary>
/// Turns YuNet's raw outputs into faces. The network predicts on three grids (strides 8, 16 and 32 input pixels);
/// every cell gives a class and an objectness probability (the face score is their geometric mean, as OpenCV's
/// FaceDetectorYN reports it), a box as centre offset and log size in cell units, and five points as offsets from
/// the cell's corner.
/// </summary>
public static class YuNetDecoder
{
    public static readonly int[] Strides = [8, 16, 32];

    /// <summary>One stride's outputs, each row-major over the grid's cells.</summary>
    public readonly ref struct Level(int stride, ReadOnlySpan<float> cls, ReadOnlySpan<float> obj,
        ReadOnlySpan<float> box, ReadOnlySpan<float> points)
    {
        public int Stride { get; } = stride;
        public ReadOnlySpan<float> Cls { get; } = cls;
        public ReadOnlySpan<float> Obj { get; } = obj;
        public ReadOnlySpan<float> Box { get; } = box;
        public ReadOnlySpan<float> Points { get; } = points;
    }

    /// <summary>
    /// Adds the cells of one level that score at least <paramref name="threshold"/>, mapped from input pixels to
    /// image pixels by <c>image = input · pixels</c> (image pixels per input pixel, per axis).
    /// </summary>
    /// <param name="inputWidth">Width of the (padded) input the network saw: it fixes the grid's columns.</param>
    public static void Decode(in Level level, int inputWidth, float threshold, float pixelsX, float pixelsY,
        List<FaceCandidate> found)
    {
        var stride = level.Stride;
        var columns = inputWidth / stride;
        var cells = level.Cls.Length;
        if (level.Obj.Length != cells || level.Box.Length != 4 * cells || level.Points.Length != 10 * cells
            || columns <= 0 || cells % columns != 0)
        {
            throw new InvalidOperationException(
                $"YuNet stride {stride}: output sizes do not match a grid {columns} cells wide.");
        }
        // sqrt(cls·obj) ≥ t ⇔ cls·obj ≥ t²: the square root is taken only for cells that pass.
        var min = threshold * threshold;
        var kx = stride * pixelsX;
        var ky = stride * pixelsY;
        for (var i = 0; i < cells; i++)
        {
            var cls = Math.Clamp(level.Cls[i], 0f, 1f);
            var obj = Math.Clamp(level.Obj[i], 0f, 1f);
            var product = cls * obj;
            if (product < min) continue;
            var (row, column) = Math.DivRem(i, columns);
            var b = level.Box.Slice(4 * i, 4);
            var cx = (column + b[0]) * kx;
            var cy = (row + b[1]) * ky;
            var w = MathF.Exp(b[2]) * kx;
            var h = MathF.Exp(b[3]) * ky;
            var p = level.Points.Slice(10 * i, 10);
            var five = new FivePoints(Point(p, 0, column, row, kx, ky), Point(p, 1, column, row, kx, ky),
                Point(p, 2, column, row, kx, ky), Point(p, 3, column, row, kx, ky), Point(p, 4, column, row, kx, ky));
            found.Add(new FaceCandidate(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, MathF.Sqrt(product), five));
        }
    }

    private static Vector2 Point(ReadOnlySpan<float> p, int n, int column, int row, float kx, float ky) =>
        new((column + p[2 * n]) * kx, (row + p[2 * n + 1]) * ky);
}
