using FacePing.Inference.Decoding;
using FacePing.Tests.Infrastructure;
using SkiaSharp;

namespace FacePing.Tests.Inference;

/// <summary>
/// Images larger than the working size never exist at full size where the codec allows it (issue 20, item 4): the
/// plan read from the header says what decoding holds at its peak, and the decode keeps to it.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class BoundedDecodeTests(PipelineFixture fixture)
{
    private ImageDecoder Decoder => fixture.Pipeline.Decoder;

    [Fact]
    public void A_large_bmp_is_streamed_to_the_working_size_without_a_full_size_buffer()
    {
        using var grey = new SKBitmap(5000, 3000);
        grey.Erase(new SKColor(128, 128, 128));
        var bmp = TestImages.Bmp(grey);

        using var opened = Decoder.Open(bmp);
        Assert.Equal(DecodeStrategy.Streamed, opened.Strategy);
        Assert.Equal(new SKSizeI(2048, 1229), opened.Target);
        Assert.True(opened.PeakPixels <= 2048 * 1229 + 5000, $"{opened.PeakPixels} pixels planned");

        var before = GC.GetAllocatedBytesForCurrentThread();
        using var image = Decoder.Decode(opened);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((2048, 1229, 5000, 3000), (image.Width, image.Height, image.OriginalWidth, image.OriginalHeight));
        // The full-size RGBA would be 60 MB; the working image is 10 MB (pooled) plus a few rows.
        Assert.True(allocated < 20L * 1024 * 1024, $"{allocated:N0} bytes allocated decoding");
        Assert.All(new[] { 0, image.Pixels.Length / 2, image.Pixels.Length - 4 },
            i => Assert.Equal(new byte[] { 128, 128, 128, 255 }, image.Pixels.Slice(i, 4).ToArray()));
    }

    [Fact]
    public void A_worst_case_png_weighs_its_declared_pixels_and_comes_out_at_the_working_size()
    {
        // 7070×7070 in about 150 KB: Skia's PNG codec decodes only whole images, so the plan says so, and admission
        // (PixelAdmissionTests) lets such images through one budget's worth at a time.
        var png = TestImages.WorstCasePng(7070, 7070);
        Assert.True(png.Length < 400_000, $"{png.Length} bytes");

        using var opened = Decoder.Open(png);
        Assert.Equal(DecodeStrategy.FullThenShrink, opened.Strategy);
        Assert.Equal(7070L * 7070 + 2048 * 2048, opened.PeakPixels);
        using var image = Decoder.Decode(opened);
        Assert.Equal((2048, 2048, 7070, 7070), (image.Width, image.Height, image.OriginalWidth, image.OriginalHeight));
    }

    [Fact]
    public void A_streamed_decode_matches_a_reference_resize()
    {
        using var photo = SKBitmap.Decode(RepoPaths.Face("2008_001322.jpg"));
        using var large = TestImages.Resize(photo, 3000, 3000 * photo.Height / photo.Width);
        var bytes = TestImages.Bmp(large);

        using var opened = Decoder.Open(bytes);
        Assert.Equal(DecodeStrategy.Streamed, opened.Strategy);
        using var image = Decoder.Decode(opened);
        using var reference = TestImages.Resize(large, image.Width, image.Height);

        Assert.Equal(2048, image.Width);
        // BMP rows come bottom-up, in batches: each lands where it belongs.
        var difference = MeanAbsoluteDifference(image.Pixels, reference);
        Assert.True(difference < 4, $"mean difference {difference:F2} from a reference resize");
        // And the pipeline still finds the photo's three faces in it.
        Assert.Equal(3, fixture.Pipeline.Analyze(image, FacePing.Contracts.Inference.EmbedMode.None).FaceCount);
    }

    [Fact]
    public void A_large_webp_is_decoded_by_the_codec_at_a_reduced_size()
    {
        using var photo = SKBitmap.Decode(RepoPaths.Face("2008_001322.jpg"));
        using var large = TestImages.Resize(photo, 3000, 3000 * photo.Height / photo.Width);
        var webp = TestImages.Encode(large, SKEncodedImageFormat.Webp, 90);

        using var opened = Decoder.Open(webp);
        Assert.Equal(DecodeStrategy.CodecScaled, opened.Strategy);
        var before = GC.GetAllocatedBytesForCurrentThread();
        using var image = Decoder.Decode(opened);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(image.Width is >= 2048 and < 3000, $"{image.Width} wide");
        Assert.True(allocated < (long)large.Width * large.Height * 4 / 2, $"{allocated:N0} bytes allocated");
        using var reference = TestImages.Resize(large, image.Width, image.Height);
        Assert.True(MeanAbsoluteDifference(image.Pixels, reference) < 6);
    }

    private static double MeanAbsoluteDifference(ReadOnlySpan<byte> rgba, SKBitmap reference)
    {
        long total = 0;
        var count = 0;
        for (var y = 0; y < reference.Height; y += 7)
        {
            for (var x = 0; x < reference.Width; x += 7)
            {
                var c = reference.GetPixel(x, y);
                var i = (y * reference.Width + x) * 4;
                total += Math.Abs(rgba[i] - c.Red) + Math.Abs(rgba[i + 1] - c.Green) + Math.Abs(rgba[i + 2] - c.Blue);
                count += 3;
            }
        }
        return (double)total / count;
    }
}
