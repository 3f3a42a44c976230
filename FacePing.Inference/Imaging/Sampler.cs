namespace FacePing.Inference.Imaging;

/// <summary>
/// Resamples RGBA pixels straight into normalised float tensor planes. When the output is smaller than the
/// source, each output pixel averages several bilinear taps over its footprint, so downscaled faces keep
/// their detail instead of aliasing. Pixels outside the image read as black.
/// </summary>
public static class Sampler
{
    private const int MaxTaps = 4;

    /// <summary>Writes three planes (R, G, B) of <paramref name="width"/>×<paramref name="height"/> as (p − mean)·scale.</summary>
    public static unsafe void SampleRgb(RgbaImage src, in AffineMap map, int width, int height, Span<float> planes, float mean, float scale)
    {
        var plane = width * height;
        if (planes.Length < 3 * plane) throw new ArgumentException("Output span is too small.", nameof(planes));
        var n = Taps(map);
        var inv = scale / (n * n);
        var w = src.Width;
        var h = src.Height;
        fixed (byte* pix = src.Buffer)
        fixed (float* outp = planes)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    float r = 0, g = 0, b = 0;
                    for (var ty = 0; ty < n; ty++)
                    {
                        var oy = y + (ty + 0.5f) / n - 0.5f;
                        for (var tx = 0; tx < n; tx++)
                        {
                            var ox = x + (tx + 0.5f) / n - 0.5f;
                            var sx = map.A * ox + map.B * oy + map.C;
                            var sy = map.D * ox + map.E * oy + map.F;
                            Bilinear(pix, w, h, sx, sy, ref r, ref g, ref b);
                        }
                    }
                    var i = y * width + x;
                    outp[i] = r * inv - mean * scale;
                    outp[plane + i] = g * inv - mean * scale;
                    outp[2 * plane + i] = b * inv - mean * scale;
                }
            }
        }
    }

    /// <summary>Writes one grey plane as (luma − mean)·scale (ITU-R BT.601 weights).</summary>
    public static unsafe void SampleGrey(RgbaImage src, in AffineMap map, int width, int height, Span<float> plane, float mean, float scale)
    {
        if (plane.Length < width * height) throw new ArgumentException("Output span is too small.", nameof(plane));
        var n = Taps(map);
        var inv = scale / (n * n);
        var w = src.Width;
        var h = src.Height;
        fixed (byte* pix = src.Buffer)
        fixed (float* outp = plane)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    float r = 0, g = 0, b = 0;
                    for (var ty = 0; ty < n; ty++)
                    {
                        var oy = y + (ty + 0.5f) / n - 0.5f;
                        for (var tx = 0; tx < n; tx++)
                        {
                            var ox = x + (tx + 0.5f) / n - 0.5f;
                            Bilinear(pix, w, h, map.A * ox + map.B * oy + map.C, map.D * ox + map.E * oy + map.F, ref r, ref g, ref b);
                        }
                    }
                    outp[y * width + x] = (0.299f * r + 0.587f * g + 0.114f * b) * inv - mean * scale;
                }
            }
        }
    }

    private static int Taps(in AffineMap map) => Math.Clamp((int)MathF.Ceiling(map.Footprint - 0.01f), 1, MaxTaps);

    private static unsafe void Bilinear(byte* pix, int w, int h, float sx, float sy, ref float r, ref float g, ref float b)
    {
        var fx0 = MathF.Floor(sx);
        var fy0 = MathF.Floor(sy);
        var x0 = (int)fx0;
        var y0 = (int)fy0;
        var fx = sx - fx0;
        var fy = sy - fy0;
        if ((uint)x0 < (uint)(w - 1) && (uint)y0 < (uint)(h - 1))
        {
            var p = pix + ((long)y0 * w + x0) * 4;
            var q = p + (long)w * 4;
            var w00 = (1 - fx) * (1 - fy);
            var w10 = fx * (1 - fy);
            var w01 = (1 - fx) * fy;
            var w11 = fx * fy;
            r += p[0] * w00 + p[4] * w10 + q[0] * w01 + q[4] * w11;
            g += p[1] * w00 + p[5] * w10 + q[1] * w01 + q[5] * w11;
            b += p[2] * w00 + p[6] * w10 + q[2] * w01 + q[6] * w11;
            return;
        }
        // Edge or outside: read each neighbour separately, black beyond the border.
        Add(pix, w, h, x0, y0, (1 - fx) * (1 - fy), ref r, ref g, ref b);
        Add(pix, w, h, x0 + 1, y0, fx * (1 - fy), ref r, ref g, ref b);
        Add(pix, w, h, x0, y0 + 1, (1 - fx) * fy, ref r, ref g, ref b);
        Add(pix, w, h, x0 + 1, y0 + 1, fx * fy, ref r, ref g, ref b);
    }

    private static unsafe void Add(byte* pix, int w, int h, int x, int y, float weight, ref float r, ref float g, ref float b)
    {
        if ((uint)x >= (uint)w || (uint)y >= (uint)h) return;
        var p = pix + ((long)y * w + x) * 4;
        r += p[0] * weight;
        g += p[1] * weight;
        b += p[2] * weight;
    }
}
