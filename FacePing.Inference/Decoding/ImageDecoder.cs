using FacePing.Contracts.Problems;
using FacePing.Inference.Imaging;
using FacePing.Inference.Options;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FacePing.Inference.Decoding;

/// <summary>
/// Decodes JPEG, PNG, WebP, BMP and GIF (first frame) with SkiaSharp into upright RGBA pixels.
/// The pixel count is checked from the header before any pixel is decoded, so a small file claiming a huge
/// image costs nothing; large images are decoded at a reduced size where the codec can do that cheaply.
/// </summary>
public sealed class ImageDecoder(IOptions<ImageOptions> options)
{
    private readonly ImageOptions _options = options.Value;

    public RgbaImage Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            throw new ImageDecodeException(ProblemCatalogue.EmptyImage, "The request body holds no image bytes.");

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage,
                "The bytes are not a decodable JPEG, PNG, WebP, BMP or GIF image (unknown format or corrupt header).");
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage, "The image header declares no pixels.");
        }
        var pixelCount = (long)info.Width * info.Height;
        if (pixelCount > _options.MaxPixels)
        {
            throw new ImageDecodeException(ProblemCatalogue.ImageTooLarge,
                $"The image is {info.Width}x{info.Height} ({pixelCount:N0} pixels); " +
                $"the limit is {_options.MaxPixels:N0} pixels.");
        }

        var origin = codec.EncodedOrigin;
        var swaps = SwapsAxes(origin);
        var originalWidth = swaps ? info.Height : info.Width;
        var originalHeight = swaps ? info.Width : info.Height;

        var size = new SKSizeI(info.Width, info.Height);
        var longSide = Math.Max(info.Width, info.Height);
        if (longSide > _options.MaxDecodeSide)
        {
            size = codec.GetScaledDimensions((float)_options.MaxDecodeSide / longSide);
            if (size.Width <= 0 || size.Height <= 0) size = new SKSizeI(info.Width, info.Height);
        }

        var decodeInfo = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var stored = new RgbaImage(size.Width, size.Height, swaps ? originalHeight : originalWidth,
            swaps ? originalWidth : originalHeight);
        try
        {
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = stored.Buffer)
                {
                    result = codec.GetPixels(decodeInfo, (IntPtr)p);
                }
            }
            if (result != SKCodecResult.Success)
            {
                throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage,
                    result == SKCodecResult.IncompleteInput
                        ? "The image data is truncated."
                        : $"The image could not be decoded ({Describe(result)}).");
            }
            if (codec.EncodedFormat == SKEncodedImageFormat.Jpeg && !JpegEnd.IsComplete(bytes))
            {
                throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage,
                    "The image data is truncated (the JPEG has no end-of-image marker).");
            }
            // Formats without a scaled decode (PNG, WebP, ...) come out full size: shrink them, so the detector's
            // work stays bounded (its tile count grows with the square of the size).
            if (Math.Max(size.Width, size.Height) > _options.MaxDecodeSide * 1.25f)
            {
                var shrunk = Shrink(stored, (float)_options.MaxDecodeSide / Math.Max(size.Width, size.Height));
                stored.Dispose();
                stored = shrunk;
            }
            if (origin is SKEncodedOrigin.TopLeft or (SKEncodedOrigin)0) return stored;

            var upright = Orient(stored, origin, originalWidth, originalHeight);
            stored.Dispose();
            return upright;
        }
        catch
        {
            stored.Dispose();
            throw;
        }
    }

    private static RgbaImage Shrink(RgbaImage src, float factor)
    {
        var width = Math.Max(1, (int)MathF.Round(src.Width * factor));
        var height = Math.Max(1, (int)MathF.Round(src.Height * factor));
        var dst = new RgbaImage(width, height, src.OriginalWidth, src.OriginalHeight);
        try
        {
            unsafe
            {
                fixed (byte* from = src.Buffer)
                fixed (byte* to = dst.Buffer)
                {
                    using var source = new SKPixmap(new SKImageInfo(src.Width, src.Height, SKColorType.Rgba8888,
                        SKAlphaType.Unpremul), (IntPtr)from);
                    using var target = new SKPixmap(new SKImageInfo(width, height, SKColorType.Rgba8888,
                        SKAlphaType.Unpremul), (IntPtr)to);
                    if (!source.ScalePixels(target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
                    {
                        throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage,
                            "The image could not be resampled.");
                    }
                }
            }
            return dst;
        }
        catch
        {
            dst.Dispose();
            throw;
        }
    }

    private static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom
            or SKEncodedOrigin.LeftBottom;

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.InvalidInput => "the data is corrupt",
        SKCodecResult.Unimplemented => "the format or variant is not supported",
        _ => "unrecognised format",
    };

    /// <summary>Applies the EXIF orientation so boxes and landmarks refer to the image as people see it.</summary>
    private static RgbaImage Orient(RgbaImage src, SKEncodedOrigin origin, int originalWidth, int originalHeight)
    {
        var sw = src.Width;
        var sh = src.Height;
        var swaps = SwapsAxes(origin);
        var dw = swaps ? sh : sw;
        var dh = swaps ? sw : sh;
        var dst = new RgbaImage(dw, dh, originalWidth, originalHeight);
        var s = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(src.Pixels);
        var d = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(dst.Pixels);
        for (var y = 0; y < dh; y++)
        {
            var row = d.Slice(y * dw, dw);
            for (var x = 0; x < dw; x++)
            {
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (sw - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (sw - 1 - x, sh - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, sh - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, sh - 1 - x),
                    SKEncodedOrigin.RightBottom => (sw - 1 - y, sh - 1 - x),
                    SKEncodedOrigin.LeftBottom => (sw - 1 - y, x),
                    _ => (x, y),
                };
                row[x] = s[sy * sw + sx];
            }
        }
        return dst;
    }
}
