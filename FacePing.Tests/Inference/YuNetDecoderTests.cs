using FacePing.Inference.Detection;

namespace FacePing.Tests.Inference;

/// <summary>YuNet's output decoding on made-up grids whose answer is worked out by hand.</summary>
public sealed class YuNetDecoderTests
{
    [Fact]
    public void A_cell_s_offsets_and_log_sizes_become_a_box_and_five_points_in_image_pixels()
    {
        // A 64×32 input at stride 8: a grid 8 cells wide and 4 high. One cell (row 2, column 3) holds a face.
        const int columns = 8, rows = 4, cell = 2 * columns + 3;
        var cls = new float[columns * rows];
        var obj = new float[columns * rows];
        var box = new float[4 * columns * rows];
        var points = new float[10 * columns * rows];
        cls[cell] = 0.81f;
        obj[cell] = 0.64f;
        box[4 * cell] = 0.5f;
        box[4 * cell + 1] = 0.25f;
        box[4 * cell + 2] = MathF.Log(2);
        box[4 * cell + 3] = MathF.Log(3);
        for (var k = 0; k < 10; k++) points[10 * cell + k] = 0.1f * k;
        // A cell below the threshold (√(0.5·0.5) = 0.5) is left out.
        cls[0] = obj[0] = 0.5f;
        var found = new List<FaceCandidate>();

        // The input was the photo shrunk to half: every coordinate doubles back.
        YuNetDecoder.Decode(new YuNetDecoder.Level(8, cls, obj, box, points), 64, 0.6f, 2f, 2f, found);

        var face = Assert.Single(found);
        Assert.Equal(0.72f, face.Score, 5);                                 // √(0.81 · 0.64)
        // Centre ((3 + 0.5)·8, (2 + 0.25)·8) = (28, 18), size (2·8, 3·8) = (16, 24), all ×2.
        Assert.Equal(40f, face.X1, 3);
        Assert.Equal(12f, face.Y1, 3);
        Assert.Equal(72f, face.X2, 3);
        Assert.Equal(60f, face.Y2, 3);
        var five = face.Points!.Value;
        Assert.Equal(2 * (3 + 0.0f) * 8, five.LeftEye.X, 4);
        Assert.Equal(2 * (2 + 0.1f) * 8, five.LeftEye.Y, 4);
        Assert.Equal(2 * (3 + 0.8f) * 8, five.MouthRight.X, 4);
        Assert.Equal(2 * (2 + 0.9f) * 8, five.MouthRight.Y, 4);
    }

    [Fact]
    public void Outputs_that_do_not_fit_the_grid_are_refused()
    {
        var found = new List<FaceCandidate>();
        var error = Assert.Throws<InvalidOperationException>(() => YuNetDecoder.Decode(
            new YuNetDecoder.Level(8, new float[30], new float[30], new float[120], new float[300]), 64, 0.5f, 1, 1,
            found));
        Assert.Contains("stride 8", error.Message);
    }
}
