using FacePing.Core.Vectors;

namespace FacePing.Tests.Store;

public sealed class VectorTextTests
{
    [Theory]
    [InlineData("1,2,3", new[] { 1f, 2f, 3f })]
    [InlineData(" 1 , -2.5 ,3e-2 ", new[] { 1f, -2.5f, 0.03f })]
    [InlineData("0,0,1E+2", new[] { 0f, 0f, 100f })]
    [InlineData("7", new[] { 7f })]
    [InlineData("\t0.5,\n0.25", new[] { 0.5f, 0.25f })]
    public void Parses_invariant_floats_with_spaces(string text, float[] expected)
    {
        Assert.True(VectorText.TryParse(text, out var vector, out var error), error);
        Assert.Equal(expected, vector);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("1,,2", "Value 2 is empty")]
    [InlineData("1,2,", "Value 3 is empty")]
    [InlineData("1,abc", "Value 2 ('abc') is not a number")]
    [InlineData("1,2;3", "not a number")]
    [InlineData("1,NaN", "not a finite number")]
    [InlineData("-Infinity,1", "not a finite number")]
    [InlineData("1e39,1", "not a finite number")]
    [InlineData("0,0.0,-0", "all zeros")]
    [InlineData("1,0x1F", "not a number")]
    public void Rejects_with_a_reason(string text, string reason)
    {
        Assert.False(VectorText.TryParse(text, out var vector, out var error));
        Assert.Null(vector);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Comma_decimal_culture_is_not_accepted()
    {
        // "1,5" is two values, never one-and-a-half.
        Assert.True(VectorText.TryParse("1,5", out var vector, out _));
        Assert.Equal([1f, 5f], vector);
    }

    [Fact]
    public void Dimension_limits_are_1_to_4096()
    {
        Assert.True(VectorText.TryParse(string.Join(",", Enumerable.Repeat("1", 4096)), out var max, out _));
        Assert.Equal(4096, max!.Length);
        Assert.False(VectorText.TryParse(string.Join(",", Enumerable.Repeat("1", 4097)), out _, out var error));
        Assert.Contains("4097", error);
    }

    [Fact]
    public void Format_round_trips_every_float_bit_exactly()
    {
        // ONNX Runtime's denormals-as-zero (set by the face models, which load in this same test process) stays in the
        // floating-point flags of the thread that created a session, and threads inherit their creator's flags, so
        // float.Epsilon could parse as 0 here. The Api and Ingestion never load ONNX Runtime; this thread resets the
        // flags to the C library's defaults to test VectorText as they run it.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (OperatingSystem.IsLinux())
                    Assert.Equal(0, FloatingPoint.fesetenv(FloatingPoint.DefaultEnvironment));
                RoundTrip();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    private static void RoundTrip()
    {
        var random = new Random(3);
        // Every float the parse bounds admit (|v| ≤ 1e16), down to the smallest subnormal.
        var values = Enumerable.Range(0, 4000).Select(_ => BitConverter.Int32BitsToSingle(random.Next()))
            .Where(f => float.IsFinite(f) && f != 0 && MathF.Abs(f) <= VectorText.MaxMagnitude)
            .Concat([float.Epsilon, VectorText.MaxMagnitude, -VectorText.MaxMagnitude, 1f / 3f, 0.1f]).ToArray();
        Assert.True(values.Length > 1000);
        var text = VectorText.Format(values);
        Assert.DoesNotContain(" ", text);
        Assert.True(VectorText.TryParse(text, out var back, out var error), error);
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), back!.Select(BitConverter.SingleToInt32Bits));
        // Format itself covers the whole float range (stored vectors from before the bounds are still read).
        var extremes = VectorText.Format([float.MaxValue, -float.MaxValue]).Split(',')
            .Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([float.MaxValue, -float.MaxValue], extremes);
        Assert.Equal("0.1,-2,3.5E-07", VectorText.Format([0.1f, -2f, 3.5e-7f]));
    }

    [Fact]
    public void Cosine_and_euclidean_match_double_precision_reference()
    {
        var random = new Random(5);
        foreach (var dims in new[] { 1, 3, 7, 8, 9, 512, 513 })
        {
            var a = Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var b = Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            double dot = 0, na = 0, nb = 0, d2 = 0;
            for (var i = 0; i < dims; i++)
            {
                dot += (double)a[i] * b[i];
                na += (double)a[i] * a[i];
                nb += (double)b[i] * b[i];
                d2 += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
            }
            Assert.Equal(dot / Math.Sqrt(na * nb), VectorMath.Cosine(a, b), 5);
            Assert.Equal(Math.Sqrt(d2), VectorMath.Euclidean(a, b), 4);
        }
    }
}

internal static class FloatingPoint
{
    /// <summary>glibc's FE_DFL_ENV: ((const fenv_t *) -1).</summary>
    public static readonly IntPtr DefaultEnvironment = new(-1);

    [System.Runtime.InteropServices.DllImport("libm.so.6", EntryPoint = "fesetenv")]
    internal static extern int fesetenv(IntPtr environment);
}
