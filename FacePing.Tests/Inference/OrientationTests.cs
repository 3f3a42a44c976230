using FacePing.Inference.Imaging;
using FacePing.Tests.Infrastructure;
using SkiaSharp;

namespace FacePing.Tests.Inference;

/// <summary>Every EXIF orientation (1–8) decodes to the upright picture, pixel for pixel (within JPEG noise).</summary>
[Collection(PipelineCollection.Name)]
public sealed class OrientationTests(PipelineFixture fixture)
{
    /// <summary>
    /// The pixels a camera stores for an upright picture under each orientation, from the tag's definition:
    /// 2 mirror, 3 half turn, 4 flip, 5 transpose (main diagonal), 6 stored a quarter turn counter-clockwise
    /// (viewers turn it clockwise), 7 transverse (anti-diagonal), 8 a quarter turn clockwise.
    /// </summary>
    private static SKBitmap Stored(SKBitmap upright, int orientation)
    {
        int w = upright.Width, h = upright.Height;
        var swaps = orientation >= 5;
        var stored = new SKBitmap(swaps ? h : w, swaps ? w : h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (var y = 0; y < stored.Height; y++)
        {
            for (var x = 0; x < stored.Width; x++)
            {
                var (ux, uy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (w - 1 - y, x), // stored column x is upright row x read from the right
                    7 => (w - 1 - y, h - 1 - x),
                    8 => (y, h - 1 - x),
                    _ => (x, y),
                };
                stored.SetPixel(x, y, upright.GetPixel(ux, uy));
            }
        }
        return stored;
    }

    private static double MeanDifference(RgbaImage a, RgbaImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0;
        var pa = a.Pixels;
        var pb = b.Pixels;
        for (var i = 0; i < pa.Length; i += 4)
        {
            sum += Math.Abs(pa[i] - pb[i]) + Math.Abs(pa[i + 1] - pb[i + 1]) + Math.Abs(pa[i + 2] - pb[i + 2]);
        }
        return sum / (pa.Length / 4 * 3.0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Orientation_is_undone_on_decode(int orientation)
    {
        using var original = SKBitmap.Decode(File.ReadAllBytes(RepoPaths.Face("Tom_Cruise_avp_2014_4.jpg")));
        using var upright = TestImages.Resize(original, 200, 283);
        using var reference = fixture.Pipeline.Decoder.Decode(TestImages.Encode(upright,
            SKEncodedImageFormat.Png, 100));
        using var stored = Stored(upright, orientation);
        var jpeg = TestImages.WithExifOrientation(TestImages.Encode(stored, SKEncodedImageFormat.Jpeg, 100),
            (ushort)orientation);

        using var decoded = fixture.Pipeline.Decoder.Decode(jpeg);

        Assert.True(MeanDifference(reference, decoded) < 3,
            $"orientation {orientation}: mean difference {MeanDifference(reference, decoded):F1}");
        // The check has teeth: the picture and its mirror image differ by far more.
        using var mirrored = fixture.Pipeline.Decoder.Decode(TestImages.Encode(Stored(upright, 2),
            SKEncodedImageFormat.Png, 100));
        Assert.True(MeanDifference(reference, mirrored) > 15);
    }
}
