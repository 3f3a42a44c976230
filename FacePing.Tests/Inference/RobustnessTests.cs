using System.Buffers.Binary;
using FacePing.Contracts.Inference;
using FacePing.Tests.Infrastructure;
using SkiaSharp;
using Xunit.Abstractions;

namespace FacePing.Tests.Inference;

/// <summary>The same face through other encodings and an EXIF rotation must still match the original.</summary>
[Collection(PipelineCollection.Name)]
public sealed class RobustnessTests(PipelineFixture fixture, ITestOutputHelper output)
{
    private static readonly byte[] Original = File.ReadAllBytes(RepoPaths.Face("Tom_Cruise_avp_2014_4.jpg"));

    private FaceAnalysis Analyze(byte[] bytes) => fixture.Pipeline.Analyze(bytes, EmbedMode.Largest);

    [Theory]
    [InlineData("png")]
    [InlineData("webp")]
    [InlineData("jpeg-q40")]
    [InlineData("bmp")]
    [InlineData("half-size-jpeg")]
    public void Re_encoded_copy_still_matches(string format)
    {
        using var bitmap = SKBitmap.Decode(Original);
        var bytes = format switch
        {
            "png" => TestImages.Encode(bitmap, SKEncodedImageFormat.Png, 100),
            "webp" => TestImages.Encode(bitmap, SKEncodedImageFormat.Webp, 80),
            "jpeg-q40" => TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, 40),
            "bmp" => TestImages.Bmp(bitmap),
            _ => TestImages.Encode(TestImages.Resize(bitmap, bitmap.Width / 2, bitmap.Height / 2),
                SKEncodedImageFormat.Jpeg, 90),
        };
        var reference = Analyze(Original).Faces[0];
        var copy = Analyze(bytes);

        var face = Assert.Single(copy.Faces);
        var similarity = FaceLabels.Cosine(reference.Embedding!, face.Embedding!);
        output.WriteLine($"{format}: {bytes.Length} bytes, cosine {similarity:F4}");
        Assert.True(similarity >= PipelineFixture.MatchThreshold, $"cosine {similarity}");
    }

    [Fact]
    public void EXIF_orientation_is_applied_before_detection()
    {
        using var bitmap = SKBitmap.Decode(Original);
        // Store the pixels turned a quarter counter-clockwise; orientation 6 tells viewers to turn them back.
        using var stored = TestImages.RotateCounterClockwise(bitmap);
        var rotatedJpeg = TestImages.Encode(stored, SKEncodedImageFormat.Jpeg, 95);
        var tagged = TestImages.WithExifOrientation(rotatedJpeg, 6);

        var reference = Analyze(Original);
        var untagged = Analyze(rotatedJpeg);
        var oriented = Analyze(tagged);

        Assert.Equal((bitmap.Height, bitmap.Width), (untagged.Width, untagged.Height));
        Assert.Equal((reference.Width, reference.Height), (oriented.Width, oriented.Height));
        var face = Assert.Single(oriented.Faces);
        var refBox = reference.Faces[0].Box;
        Assert.InRange(face.Box.X + face.Box.Width / 2, refBox.X + refBox.Width / 2 - 20,
            refBox.X + refBox.Width / 2 + 20);
        Assert.InRange(face.Box.Y + face.Box.Height / 2, refBox.Y + refBox.Height / 2 - 20,
            refBox.Y + refBox.Height / 2 + 20);
        var similarity = FaceLabels.Cosine(reference.Faces[0].Embedding!, face.Embedding!);
        output.WriteLine($"EXIF-rotated copy: cosine {similarity:F4}");
        Assert.True(similarity >= PipelineFixture.MatchThreshold, $"cosine {similarity}");
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)] // decoded at reduced size by the codec
    [InlineData(SKEncodedImageFormat.Png)] // decoded full size, then shrunk
    public void Large_image_is_analysed_at_reduced_size_with_boxes_in_original_pixels(SKEncodedImageFormat format)
    {
        using var bitmap = SKBitmap.Decode(Original);
        const int factor = 4; // 2260x3200
        using var large = TestImages.Resize(bitmap, bitmap.Width * factor, bitmap.Height * factor);
        var bytes = TestImages.Encode(large, format, 90);

        var reference = Analyze(Original).Faces[0];
        var analysis = Analyze(bytes);

        Assert.Equal((large.Width, large.Height), (analysis.Width, analysis.Height));
        var face = Assert.Single(analysis.Faces);
        Assert.InRange(face.Box.X + face.Box.Width / 2,
            (reference.Box.X + reference.Box.Width / 2) * factor - 60,
            (reference.Box.X + reference.Box.Width / 2) * factor + 60);
        Assert.InRange(face.Box.Width, reference.Box.Width * factor * 0.85f, reference.Box.Width * factor * 1.15f);
        Assert.InRange(face.Landmarks[0][0], reference.Landmarks[0][0] * factor - 40,
            reference.Landmarks[0][0] * factor + 40);
        var similarity = FaceLabels.Cosine(reference.Embedding!, face.Embedding!);
        output.WriteLine($"{format} {large.Width}x{large.Height}: {bytes.Length} bytes, cosine {similarity:F4}");
        Assert.True(similarity >= PipelineFixture.MatchThreshold, $"cosine {similarity}");
    }

    [Fact]
    public void GIF_first_frame_is_decoded()
    {
        var gif = TestImages.GreyGif(40, 30);
        var analysis = Analyze(gif);
        Assert.Equal((40, 30, 0), (analysis.Width, analysis.Height, analysis.FaceCount));
    }
}
