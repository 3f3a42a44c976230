using System.Buffers;
using FacePing.Contracts.Problems;
using FacePing.Inference.Imaging;
using SkiaSharp;

namespace FacePing.Inference.Decoding;

/// <summary>
/// Decodes a codec's rows a batch at a time and averages each block of source pixels into one working pixel, so a
/// large image of a codec that reads by rows (BMP; Skia's PNG codec does not) never exists at full size: memory is
/// the working image plus a few source rows. Each source pixel belongs to exactly one working pixel (an area average;
/// blocks differ by at most one row or column).
/// </summary>
internal static class StreamedResampler
{
    // Rows decoded per call into the native codec: enough to amortise the call, small enough to stay cache-sized.
    private const int BatchBytes = 256 * 1024;

    /// <summary>Starts a row-by-row decode; false when the codec cannot (then nothing has been decoded).</summary>
    public static bool TryStart(SKCodec codec)
    {
        var info = codec.Info;
        var rows = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        return codec.StartScanlineDecode(rows) == SKCodecResult.Success
            && codec.ScanlineOrder is SKCodecScanlineOrder.TopDown or SKCodecScanlineOrder.BottomUp;
    }

    /// <summary>Reads every row of a decode <see cref="TryStart"/> began into <paramref name="target"/>.</summary>
    public static void Read(SKCodec codec, RgbaImage target)
    {
        var width = codec.Info.Width;
        var height = codec.Info.Height;
        var outW = target.Width;
        var outH = target.Height;
        var rowBytes = width * 4;
        var batch = Math.Clamp(BatchBytes / rowBytes, 1, height);
        var rows = ArrayPool<byte>.Shared.Rent(rowBytes * batch);
        var sums = ArrayPool<long>.Shared.Rent(outW * 4);
        var columns = ArrayPool<int>.Shared.Rent(width);
        var perColumn = ArrayPool<int>.Shared.Rent(outW);
        try
        {
            Array.Clear(sums, 0, outW * 4);
            Array.Clear(perColumn, 0, outW);
            for (var x = 0; x < width; x++)
            {
                columns[x] = (int)((long)x * outW / width);
                perColumn[columns[x]]++;
            }
            var bottomUp = codec.ScanlineOrder == SKCodecScanlineOrder.BottomUp;
            var bin = -1;
            var rowsInBin = 0;
            for (var done = 0; done < height;)
            {
                var count = Math.Min(batch, height - done);
                int got;
                unsafe
                {
                    fixed (byte* p = rows) got = codec.GetScanlines((IntPtr)p, count, rowBytes);
                }
                if (got < count)
                    throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage, "The image data is truncated.");
                // A bottom-up codec fills each batch as a small bottom-up image: its rows sit top-down in the
                // buffer, so they are walked backwards to keep every row of a block contiguous.
                for (var i = 0; i < count; i++)
                {
                    var r = bottomUp ? count - 1 - i : i;
                    var y = bottomUp ? height - done - count + r : done + r;
                    var rowBin = (int)((long)y * outH / height);
                    if (rowBin != bin)
                    {
                        if (bin >= 0) Flush(sums, perColumn, rowsInBin, target, bin);
                        bin = rowBin;
                        rowsInBin = 0;
                    }
                    Accumulate(rows.AsSpan(r * rowBytes, rowBytes), columns, sums);
                    rowsInBin++;
                }
                done += count;
            }
            Flush(sums, perColumn, rowsInBin, target, bin);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rows);
            ArrayPool<long>.Shared.Return(sums);
            ArrayPool<int>.Shared.Return(columns);
            ArrayPool<int>.Shared.Return(perColumn);
        }
    }

    private static void Accumulate(ReadOnlySpan<byte> row, int[] columns, long[] sums)
    {
        var width = row.Length / 4;
        for (var x = 0; x < width; x++)
        {
            var s = columns[x] * 4;
            var p = x * 4;
            sums[s] += row[p];
            sums[s + 1] += row[p + 1];
            sums[s + 2] += row[p + 2];
            sums[s + 3] += row[p + 3];
        }
    }

    private static void Flush(long[] sums, int[] perColumn, int rowsInBin, RgbaImage target, int bin)
    {
        var outW = target.Width;
        var line = target.Pixels.Slice(bin * outW * 4, outW * 4);
        for (var ox = 0; ox < outW; ox++)
        {
            long count = (long)perColumn[ox] * rowsInBin;
            for (var c = 0; c < 4; c++)
            {
                var i = ox * 4 + c;
                line[i] = (byte)((sums[i] + count / 2) / count);
                sums[i] = 0;
            }
        }
    }
}
