using System.Buffers;

namespace FacePing.Inference.Imaging;

/// <summary>
/// Resamples RGBA pixels straight into normalised float tensor planes. When the output is smaller than the
/// source, each output pixel averages several bilinear taps over its footprint, so downscaled faces keep
/// their detail instead of aliasing. Pixels outside the image read as black.
/// </summary>
/// <remarks>
/// Axis-aligned maps (detector input, landmark crops) use the separable form of that filter: one horizontal pass
/// over the rows involved, then one vertical pass, which costs a fraction of per-pixel taps. Rotated maps
/// (face alignment, 112×112) use per-pixel taps with precomputed offsets.
/// </remarks>
public static class Sampler
{
    // Per-pixel taps cost n² each; separable taps cost n per axis, so they can cover the whole footprint.
    private const int MaxTaps = 4;
    private const int MaxSeparableTaps = 16;
    private const float R = 0.299f, G = 0.587f, B = 0.114f;

    /// <summary>
    /// Writes three planes (R, G, B) of <paramref name="width"/>×<paramref name="height"/> as (p − mean)·scale.
    /// </summary>
    public static void SampleRgb(RgbaImage src, in AffineMap map, int width, int height, Span<float> planes, float mean,
        float scale)
    {
        if (planes.Length < 3 * width * height)
            throw new ArgumentException("Output span is too small.", nameof(planes));
        if (Separable(src, map, width, height, planes, mean, scale, grey: false)) return;
        if (map.Footprint >= 1.5f && ShrinkThenRotate(src, map, width, height, planes, mean, scale)) return;
        Taps(src, map, width, height, planes, mean, scale, grey: false);
    }

    /// <summary>
    /// Writes three planes in B, G, R order (detectors trained on OpenCV images) as (p − mean)·scale; outside the
    /// image reads as black, so a map reaching past the image pads it on the right and below.
    /// </summary>
    public static void SampleBgr(RgbaImage src, in AffineMap map, int width, int height, Span<float> planes,
        float mean, float scale)
    {
        if (planes.Length < 3 * width * height)
            throw new ArgumentException("Output span is too small.", nameof(planes));
        if (Separable(src, map, width, height, planes, mean, scale, grey: false, bgr: true)) return;
        // Images of a few pixels (too small for the separable filter): per-pixel taps, then R and B swapped.
        Taps(src, map, width, height, planes, mean, scale, grey: false);
        var plane = width * height;
        for (var i = 0; i < plane; i++) (planes[i], planes[2 * plane + i]) = (planes[2 * plane + i], planes[i]);
    }

    /// <summary>Writes one grey plane as (luma − mean)·scale (ITU-R BT.601 weights).</summary>
    public static void SampleGrey(RgbaImage src, in AffineMap map, int width, int height, Span<float> plane, float mean,
        float scale)
    {
        if (plane.Length < width * height) throw new ArgumentException("Output span is too small.", nameof(plane));
        if (!Separable(src, map, width, height, plane, mean, scale, grey: true))
            Taps(src, map, width, height, plane, mean, scale, grey: true);
    }

    private static int TapCount(float footprint, int max = MaxTaps) =>
        Math.Clamp((int)MathF.Ceiling(footprint - 0.01f), 1, max);

    /// <summary>
    /// Source indices one output index's taps can touch: the taps' span plus both bilinear neighbours.
    /// </summary>
    private static int Window(float step) => (int)MathF.Ceiling(step) + 2;

    /// <summary>
    /// One axis of the separable filter: for each output index a window of K source indices and weights.
    /// </summary>
    private static bool BuildAxis(float step, float offset, int outCount, int srcCount, int[] first, float[] weights,
        out int k)
    {
        var n = TapCount(step, MaxSeparableTaps);
        k = Window(step);
        if (step <= 0 || srcCount < k) return false;
        for (var o = 0; o < outCount; o++)
        {
            var w = weights.AsSpan(o * k, k);
            w.Clear();
            var lowest = (int)MathF.Floor(step * (o + 0.5f / n - 0.5f) + offset);
            var start = Math.Clamp(lowest, 0, srcCount - k);
            first[o] = start;
            for (var t = 0; t < n; t++)
            {
                var s = step * (o + (t + 0.5f) / n - 0.5f) + offset;
                var i0 = (int)MathF.Floor(s);
                var f = s - i0;
                Add(w, i0 - start, i0, srcCount, (1 - f) / n);
                Add(w, i0 + 1 - start, i0 + 1, srcCount, f / n);
            }
        }
        return true;

        static void Add(Span<float> w, int slot, int index, int count, float weight)
        {
            // Outside the image reads as black: the weight is simply dropped.
            if ((uint)index < (uint)count && (uint)slot < (uint)w.Length) w[slot] += weight;
        }
    }

    private static unsafe bool Separable(RgbaImage src, in AffineMap map, int width, int height, Span<float> output,
        float mean, float scale, bool grey, bool bgr = false)
    {
        if (map.B != 0 || map.D != 0) return false;
        if (map.A <= 0 || map.E <= 0) return false;
        var kxMax = Window(map.A);
        var kyMax = Window(map.E);
        var firstX = ArrayPool<int>.Shared.Rent(width);
        var firstY = ArrayPool<int>.Shared.Rent(height);
        var weightX = ArrayPool<float>.Shared.Rent(width * kxMax);
        var weightY = ArrayPool<float>.Shared.Rent(height * kyMax);
        float[]? rows = null;
        try
        {
            if (!BuildAxis(map.A, map.C, width, src.Width, firstX, weightX, out var kx)
                || !BuildAxis(map.E, map.F, height, src.Height, firstY, weightY, out var ky))
            {
                return false;
            }
            var rowFrom = firstY[0];
            var rowTo = firstY[height - 1] + ky; // exclusive
            var channels = grey ? 1 : 3;
            var rowFloats = width * channels;
            rows = ArrayPool<float>.Shared.Rent((rowTo - rowFrom) * rowFloats);
            var stride = src.Width * 4;
            fixed (byte* pix = src.Pixels)
            fixed (float* tmp = rows)
            fixed (float* wx = weightX)
            fixed (int* fx = firstX)
            {
                // Horizontal pass: each source row involved → width filtered values (RGB interleaved, or luma).
                for (var r = rowFrom; r < rowTo; r++)
                {
                    var line = pix + (long)r * stride;
                    var dst = tmp + (long)(r - rowFrom) * rowFloats;
                    for (var x = 0; x < width; x++)
                    {
                        var p = line + fx[x] * 4;
                        var w = wx + x * kx;
                        float sr = 0, sg = 0, sb = 0;
                        for (var j = 0; j < kx; j++, p += 4)
                        {
                            var wj = w[j];
                            sr += p[0] * wj;
                            sg += p[1] * wj;
                            sb += p[2] * wj;
                        }
                        if (grey) dst[x] = R * sr + G * sg + B * sb;
                        else
                        {
                            dst[3 * x] = sr;
                            dst[3 * x + 1] = sg;
                            dst[3 * x + 2] = sb;
                        }
                    }
                }
            }

            // Vertical pass into planes, normalised.
            var plane = width * height;
            var bias = -mean * scale;
            var (red, blue) = bgr ? (2 * plane, 0) : (0, 2 * plane);
            fixed (float* tmp = rows)
            fixed (float* wy = weightY)
            fixed (float* outp = output)
            {
                for (var y = 0; y < height; y++)
                {
                    var w = wy + y * ky;
                    var top = tmp + (long)(firstY[y] - rowFrom) * rowFloats;
                    var o = outp + y * width;
                    if (grey)
                    {
                        for (var x = 0; x < width; x++)
                        {
                            float s = 0;
                            for (var j = 0; j < ky; j++) s += top[j * rowFloats + x] * w[j];
                            o[x] = s * scale + bias;
                        }
                    }
                    else
                    {
                        for (var x = 0; x < width; x++)
                        {
                            float sr = 0, sg = 0, sb = 0;
                            var col = top + 3 * x;
                            for (var j = 0; j < ky; j++)
                            {
                                var wj = w[j];
                                var q = col + j * rowFloats;
                                sr += q[0] * wj;
                                sg += q[1] * wj;
                                sb += q[2] * wj;
                            }
                            o[red + x] = sr * scale + bias;
                            o[plane + x] = sg * scale + bias;
                            o[blue + x] = sb * scale + bias;
                        }
                    }
                }
            }
            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(firstX);
            ArrayPool<int>.Shared.Return(firstY);
            ArrayPool<float>.Shared.Return(weightX);
            ArrayPool<float>.Shared.Return(weightY);
            if (rows is not null) ArrayPool<float>.Shared.Return(rows);
        }
    }

    /// <summary>
    /// A rotated, shrinking map (face alignment): first shrink the source region with the cheap separable filter
    /// to about the output's resolution, then rotate that with one bilinear tap per pixel.
    /// </summary>
    private static unsafe bool ShrinkThenRotate(RgbaImage src, in AffineMap map, int width, int height,
        Span<float> planes, float mean, float scale)
    {
        var step = MathF.Sqrt(MathF.Abs(map.A * map.E - map.B * map.D));
        if (step < 1.01f) return false;
        // Source bounding box of the output, with room for the filter.
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var (cx, cy) in new[] { (-0.5f, -0.5f), (width - 0.5f, -0.5f), (-0.5f, height - 0.5f),
            (width - 0.5f, height - 0.5f) })
        {
            var sx = map.A * cx + map.B * cy + map.C;
            var sy = map.D * cx + map.E * cy + map.F;
            minX = MathF.Min(minX, sx);
            maxX = MathF.Max(maxX, sx);
            minY = MathF.Min(minY, sy);
            maxY = MathF.Max(maxY, sy);
        }
        var margin = 2 * step;
        var rx = minX - margin;
        var ry = minY - margin;
        var iw = (int)MathF.Ceiling((maxX - minX + 2 * margin) / step);
        var ih = (int)MathF.Ceiling((maxY - minY + 2 * margin) / step);
        if (iw < 2 || ih < 2 || (long)iw * ih > 1 << 20) return false;

        var mid = ArrayPool<float>.Shared.Rent(3 * iw * ih);
        try
        {
            if (!Separable(src, AffineMap.FromRect(rx, ry, iw * step, ih * step, iw, ih), iw, ih, mid, 0f, 1f,
                grey: false)) return false;
            // Output → source → intermediate: pixel i of the intermediate is centred on source
            // rx + (i + 0.5)·step − 0.5.
            var inv = 1 / step;
            var a = map.A * inv;
            var b = map.B * inv;
            var c = (map.C + 0.5f - rx) * inv - 0.5f;
            var d = map.D * inv;
            var e = map.E * inv;
            var f = (map.F + 0.5f - ry) * inv - 0.5f;
            var plane = width * height;
            var midPlane = iw * ih;
            var bias = -mean * scale;
            fixed (float* m = mid)
            fixed (float* outp = planes)
            {
                for (var y = 0; y < height; y++)
                {
                    var u = b * y + c;
                    var v = e * y + f;
                    for (var x = 0; x < width; x++, u += a, v += d)
                    {
                        var x0 = (int)MathF.Floor(u);
                        var y0 = (int)MathF.Floor(v);
                        var i = y * width + x;
                        if ((uint)x0 >= (uint)(iw - 1) || (uint)y0 >= (uint)(ih - 1))
                        {
                            // Only reachable beyond the margin, i.e. outside the source image too: black.
                            outp[i] = bias;
                            outp[plane + i] = bias;
                            outp[2 * plane + i] = bias;
                            continue;
                        }
                        var fx = u - x0;
                        var fy = v - y0;
                        var w00 = (1 - fx) * (1 - fy);
                        var w10 = fx * (1 - fy);
                        var w01 = (1 - fx) * fy;
                        var w11 = fx * fy;
                        var p = m + y0 * iw + x0;
                        for (var ch = 0; ch < 3; ch++, p += midPlane)
                        {
                            var value = p[0] * w00 + p[1] * w10 + p[iw] * w01 + p[iw + 1] * w11;
                            outp[ch * plane + i] = value * scale + bias;
                        }
                    }
                }
            }
            return true;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(mid);
        }
    }

    private static unsafe void Taps(RgbaImage src, in AffineMap map, int width, int height, Span<float> output,
        float mean, float scale, bool grey)
    {
        var n = TapCount(map.Footprint);
        var taps = n * n;
        Span<float> offX = stackalloc float[taps];
        Span<float> offY = stackalloc float[taps];
        for (var ty = 0; ty < n; ty++)
        {
            var oy = (ty + 0.5f) / n - 0.5f;
            for (var tx = 0; tx < n; tx++)
            {
                var ox = (tx + 0.5f) / n - 0.5f;
                offX[ty * n + tx] = map.A * ox + map.B * oy;
                offY[ty * n + tx] = map.D * ox + map.E * oy;
            }
        }
        var inv = scale / taps;
        var bias = -mean * scale;
        var plane = width * height;
        var w = src.Width;
        var h = src.Height;
        fixed (byte* pix = src.Pixels)
        fixed (float* outp = output)
        fixed (float* ox = offX)
        fixed (float* oy = offY)
        {
            for (var y = 0; y < height; y++)
            {
                var bx = map.B * y + map.C;
                var by = map.E * y + map.F;
                for (var x = 0; x < width; x++, bx += map.A, by += map.D)
                {
                    float r = 0, g = 0, b = 0;
                    for (var t = 0; t < taps; t++) Bilinear(pix, w, h, bx + ox[t], by + oy[t], ref r, ref g, ref b);
                    var i = y * width + x;
                    if (grey) outp[i] = (R * r + G * g + B * b) * inv + bias;
                    else
                    {
                        outp[i] = r * inv + bias;
                        outp[plane + i] = g * inv + bias;
                        outp[2 * plane + i] = b * inv + bias;
                    }
                }
            }
        }
    }

    private static unsafe void Bilinear(byte* pix, int w, int h, float sx, float sy, ref float r, ref float g,
        ref float b)
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

    private static unsafe void Add(byte* pix, int w, int h, int x, int y, float weight, ref float r, ref float g,
        ref float b)
    {
        if ((uint)x >= (uint)w || (uint)y >= (uint)h) return;
        var p = pix + ((long)y * w + x) * 4;
        r += p[0] * weight;
        g += p[1] * weight;
        b += p[2] * weight;
    }
}
