using FacePing.Contracts.Problems;
using FacePing.Inference.Imaging;
using FacePing.Inference.Options;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FacePing.Inference.Decoding;

/// <summary>
/// Decodes JPEG, PNG, WebP, BMP and GIF (first frame) with SkiaSharp into upright RGBA pixels, in two steps:
/// <see cref="Open"/> reads the header, checks the pixel count and plans how the image reaches its working size
/// (long side <see cref="ImageOptions.MaxDecodeSide"/>) without ever being held at full size where the codec allows
/// (JPEG and WebP scale themselves, BMP streams rows through an averaging resampler; PNG and GIF, which Skia
/// decodes only whole, weigh their full size); <see cref="Decode(OpenedImage)"/> carries the plan out. Between the
/// two, the caller can weigh the plan's <see cref="OpenedImage.PeakPixels"/> against a memory budget
/// (<see cref="Admission.PixelAdmission"/>).
/// </summary>
public sealed class ImageDecoder(IOptions<ImageOptions> options)
{
    private readonly ImageOptions _options = options.Value;

    /// <summary>Opens and decodes in one go (tests, benchmarks, callers without a budget).</summary>
    public RgbaImage Decode(ReadOnlySpan<byte> bytes)
    {
        using var opened = Open(bytes);
        return Decode(opened);
    }

    /// <summary>Reads and checks the header and plans the decode; no pixel is decoded yet.</summary>
    /// <exception cref="ImageDecodeException">Empty, not an image we read, or more pixels than allowed.</exception>
    public OpenedImage Open(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            throw new ImageDecodeException(ProblemCatalogue.EmptyImage, "The request body holds no image bytes.");

        var data = SKData.CreateCopy(bytes);
        var codec = SKCodec.Create(data);
        if (codec is null)
        {
            data.Dispose();
            throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage,
                "The bytes are not a decodable JPEG, PNG, WebP, BMP or GIF image (unknown format or corrupt header).");
        }
        try
        {
            var info = codec.Info;
            if (info.Width <= 0 || info.Height <= 0)
            {
                throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage,
                    "The image header declares no pixels.");
            }
            var pixelCount = (long)info.Width * info.Height;
            if (pixelCount > _options.MaxPixels)
            {
                throw new ImageDecodeException(ProblemCatalogue.ImageTooLarge,
                    $"The image is {info.Width}x{info.Height} ({pixelCount:N0} pixels); " +
                    $"the limit is {_options.MaxPixels:N0} pixels.");
            }
            var jpegComplete = codec.EncodedFormat != SKEncodedImageFormat.Jpeg || JpegEnd.IsComplete(bytes);
            var (strategy, decodeSize, target) = Plan(codec);
            return new OpenedImage(data, codec, strategy, decodeSize, target, jpegComplete);
        }
        catch
        {
            codec.Dispose();
            data.Dispose();
            throw;
        }
    }

    private (DecodeStrategy, SKSizeI Decode, SKSizeI Target) Plan(SKCodec codec)
    {
        var full = new SKSizeI(codec.Info.Width, codec.Info.Height);
        var longSide = Math.Max(full.Width, full.Height);
        if (longSide <= _options.MaxDecodeSide) return (DecodeStrategy.FullSize, full, full);

        var target = Scaled(full, (float)_options.MaxDecodeSide / longSide);
        var scaled = codec.GetScaledDimensions((float)_options.MaxDecodeSide / longSide);
        if (scaled.Width > 0 && scaled.Height > 0 && scaled.Width < full.Width)
        {
            var kept = Math.Max(scaled.Width, scaled.Height) > _options.MaxDecodeSide * 1.25f ? target : scaled;
            return (DecodeStrategy.CodecScaled, scaled, kept);
        }
        // Up to a quarter over the working size an image is kept as it is: shrinking it would cost more than it saves.
        if (longSide <= _options.MaxDecodeSide * 1.25f) return (DecodeStrategy.FullSize, full, full);
        if (codec.EncodedFormat == SKEncodedImageFormat.Webp) return (DecodeStrategy.DirectTarget, target, target);
        if (StreamedResampler.TryStart(codec))
            return (DecodeStrategy.Streamed, target, target);
        return (DecodeStrategy.FullThenShrink, full, target);
    }

    private static SKSizeI Scaled(SKSizeI size, float factor) =>
        new(Math.Max(1, (int)MathF.Round(size.Width * factor)), Math.Max(1, (int)MathF.Round(size.Height * factor)));

    /// <summary>Decodes an opened image to its working size, upright.</summary>
    public RgbaImage Decode(OpenedImage image)
    {
        var codec = image.Codec;
        var origin = codec.EncodedOrigin;
        var swaps = SwapsAxes(origin);
        var originalWidth = swaps ? codec.Info.Height : codec.Info.Width;
        var originalHeight = swaps ? codec.Info.Width : codec.Info.Height;

        var stored = image.Strategy == DecodeStrategy.Streamed
            ? Streamed(image)
            : Whole(image, image.DecodeSize, originalWidth, originalHeight);
        try
        {
            if (!image.JpegComplete)
            {
                throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage,
                    "The image data is truncated (the JPEG has no end-of-image marker).");
            }
            if (stored.Width != image.Target.Width || stored.Height != image.Target.Height)
            {
                var shrunk = Shrink(stored, image.Target);
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

    private static RgbaImage Streamed(OpenedImage image)
    {
        var target = new RgbaImage(image.Target.Width, image.Target.Height, image.Declared.Width,
            image.Declared.Height);
        try
        {
            StreamedResampler.Read(image.Codec, target);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    /// <summary>One call into the codec for the whole image at <paramref name="size"/>.</summary>
    private static RgbaImage Whole(OpenedImage image, SKSizeI size, int originalWidth, int originalHeight)
    {
        var codec = image.Codec;
        var swaps = SwapsAxes(codec.EncodedOrigin);
        var decodeInfo = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var stored = new RgbaImage(size.Width, size.Height, swaps ? originalHeight : originalWidth,
            swaps ? originalWidth : originalHeight);
        try
        {
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = stored.Pixels)
                {
                    result = codec.GetPixels(decodeInfo, (IntPtr)p);
                }
            }
            if (result == SKCodecResult.InvalidScale && size != image.Declared)
            {
                // A WebP variant the codec cannot scale: the full decode then a shrink, as for GIF.
                stored.Dispose();
                return Whole(image, image.Declared, originalWidth, originalHeight);
            }
            if (result != SKCodecResult.Success)
            {
                throw new ImageDecodeException(ProblemCatalogue.UnsupportedImage,
                    result == SKCodecResult.IncompleteInput
                        ? "The image data is truncated."
                        : $"The image could not be decoded ({Describe(result)}).");
            }
            return stored;
        }
        catch
        {
            stored.Dispose();
            throw;
        }
    }

    private static RgbaImage Shrink(RgbaImage src, SKSizeI size)
    {
        var width = size.Width;
        var height = size.Height;
        var dst = new RgbaImage(width, height, src.OriginalWidth, src.OriginalHeight);
        try
        {
            unsafe
            {
                fixed (byte* from = src.Pixels)
                fixed (byte* to = dst.Pixels)
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
