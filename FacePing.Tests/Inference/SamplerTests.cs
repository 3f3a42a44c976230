using FacePing.Inference.Imaging;

namespace FacePing.Tests.Inference;

public sealed class SamplerTests
{
    private static RgbaImage Filled(int width, int height, byte value)
    {
        var image = new RgbaImage(width, height, width, height);
        image.Pixels.Fill(value);
        return image;
    }

    // Weights must sum to one at every scale, else downscaled crops get darker (the separable filter once dropped
    // taps).
    [Theory]
    [InlineData(2f)]
    [InlineData(4.7f)]
    [InlineData(9f)]
    [InlineData(25f)]
    public void Downscaling_a_uniform_image_keeps_its_value(float step)
    {
        var size = (int)(64 * step) + 4;
        using var image = Filled(size, size, 200);
        var rgb = new float[3 * 64 * 64];
        var grey = new float[64 * 64];

        Sampler.SampleRgb(image, AffineMap.FromRect(2, 2, 64 * step, 64 * step, 64, 64), 64, 64, rgb, 127f, 1f / 128f);
        Sampler.SampleGrey(image, AffineMap.FromRect(2, 2, 64 * step, 64 * step, 64, 64), 64, 64, grey, 0f, 1f / 256f);

        Assert.All(rgb, v => Assert.Equal((200 - 127) / 128f, v, 3));
        Assert.All(grey, v => Assert.Equal(200 / 256f, v, 3));
    }

    [Fact]
    public void Rotated_sampling_of_a_uniform_image_keeps_its_value()
    {
        using var image = Filled(600, 600, 90);
        var rgb = new float[3 * 112 * 112];
        var angle = 0.3f;
        var s = 2.6f;
        var map = new AffineMap(s * MathF.Cos(angle), s * MathF.Sin(angle), 200, -s * MathF.Sin(angle),
            s * MathF.Cos(angle), 200);

        Sampler.SampleRgb(image, map, 112, 112, rgb, 127f, 1f / 128f);

        Assert.All(rgb, v => Assert.Equal((90 - 127) / 128f, v, 3));
    }

    [Fact]
    public void Outside_the_image_reads_as_black()
    {
        using var image = Filled(100, 100, 255);
        var grey = new float[10 * 10];

        // The right half of the crop lies beyond the image.
        Sampler.SampleGrey(image, AffineMap.FromRect(50, 0, 100, 100, 10, 10), 10, 10, grey, 0f, 1f / 255f);

        Assert.Equal(1f, grey[0], 3);
        Assert.Equal(0f, grey[9], 3);
    }
}
