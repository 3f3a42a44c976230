using System.Buffers.Binary;
using SkiaSharp;

namespace FacePing.Tests.Inference;

/// <summary>Builds test images in memory: re-encodings, an EXIF-tagged JPEG, hand-made BMP/GIF/PNG bytes.</summary>
public static class TestImages
{
    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}");
        return data.ToArray();
    }

    /// <summary>
    /// An encoded photo scaled down by <paramref name="scale"/> (at least 16 px a side), as JPEG quality 92.
    /// </summary>
    public static byte[] Shrink(byte[] image, float scale)
    {
        using var bitmap = SKBitmap.Decode(image);
        using var small = Resize(bitmap, Math.Max(16, (int)(bitmap.Width * scale)),
            Math.Max(16, (int)(bitmap.Height * scale)));
        return Encode(small, SKEncodedImageFormat.Jpeg, 92);
    }

    public static SKBitmap Resize(SKBitmap bitmap, int width, int height) =>
        bitmap.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
        ?? throw new InvalidOperationException("resize failed");

    public static SKBitmap RotateCounterClockwise(SKBitmap bitmap)
    {
        var rotated = new SKBitmap(bitmap.Height, bitmap.Width);
        using var canvas = new SKCanvas(rotated);
        canvas.Translate(0, bitmap.Width);
        canvas.RotateDegrees(-90);
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default);
        return rotated;
    }

    /// <summary>
    /// Inserts an EXIF APP1 segment holding only the Orientation tag right after the JPEG's SOI marker.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("not a JPEG", nameof(jpeg));
        var tiff = new byte[8 + 2 + 12 + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8); // IFD0 right after the header
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1); // one entry
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112); // Orientation
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3); // SHORT
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1); // count
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), orientation);
        // next-IFD offset stays 0
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>An uncompressed 24-bit BMP (SkiaSharp decodes BMP but cannot encode it).</summary>
    public static byte[] Bmp(SKBitmap bitmap)
    {
        var rowBytes = (bitmap.Width * 3 + 3) & ~3;
        var size = 54 + rowBytes * bitmap.Height;
        var bmp = new byte[size];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), bitmap.Width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), bitmap.Height); // positive: bottom-up rows
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = 54 + (bitmap.Height - 1 - y) * rowBytes;
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                bmp[row + 3 * x] = c.Blue;
                bmp[row + 3 * x + 1] = c.Green;
                bmp[row + 3 * x + 2] = c.Red;
            }
        }
        return bmp;
    }

    /// <summary>
    /// A one-frame grey GIF. The LZW stream sends a clear code after every two pixels, so the code width
    /// stays at 3 bits and no compression logic is needed.
    /// </summary>
    public static byte[] GreyGif(int width, int height)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        // 4-colour global table
        gif.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x81, 0, 0]);
        gif.AddRange([128, 128, 128, 0, 0, 0, 255, 255, 255, 64, 64, 64]);
        gif.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
        gif.Add(2); // LZW minimum code size
        var bits = new List<bool>();
        void Code(int code)
        {
            for (var b = 0; b < 3; b++) bits.Add(((code >> b) & 1) == 1);
        }
        for (var i = 0; i < width * height; i++)
        {
            if (i % 2 == 0) Code(4); // clear
            Code(0);
        }
        Code(5); // end of information
        var data = new byte[(bits.Count + 7) / 8];
        for (var i = 0; i < bits.Count; i++)
        {
            if (bits[i]) data[i / 8] |= (byte)(1 << (i % 8));
        }
        for (var offset = 0; offset < data.Length; offset += 255)
        {
            var n = Math.Min(255, data.Length - offset);
            gif.Add((byte)n);
            gif.AddRange(data.AsSpan(offset, n).ToArray());
        }
        gif.Add(0); // block terminator
        gif.Add(0x3B); // trailer
        return [.. gif];
    }

    /// <summary>A PNG signature and a valid IHDR claiming the given size, then an empty IDAT and IEND.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new List<byte>();
        png.AddRange([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", []);
        Chunk(png, "IEND", []);
        return [.. png];
    }

    /// <summary>
    /// A real, fully decodable grey truecolour PNG of any size that compresses to almost nothing: the worst case of
    /// pixels per byte (7070×7070 is about 150 KB and 50 million pixels).
    /// </summary>
    public static byte[] WorstCasePng(int width, int height)
    {
        var png = new List<byte>();
        png.AddRange([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        Chunk(png, "IHDR", ihdr);
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed,
                   System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            // Each row: filter byte 0, then grey (128) RGB pixels.
            var row = new byte[1 + width * 3];
            row.AsSpan(1).Fill(128);
            for (var y = 0; y < height; y++) zlib.Write(row);
        }
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return [.. png];
    }

    private static void Chunk(List<byte> png, string type, byte[] data)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        png.AddRange(header);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.AddRange(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.AddRange(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
