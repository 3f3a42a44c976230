using FacePing.Core.Vectors;

namespace FacePing.Tests.Store;

/// <summary>
/// Issue 20 item 1: the parse bounds that keep float32 sums finite, and arithmetic that never answers NaN or infinity,
/// even on vectors stored before the bounds existed.
/// </summary>
public sealed class VectorBoundsTests
{
    [Theory]
    [InlineData("2e19,1", "too large")]
    [InlineData("-3e38,1", "too large")]
    [InlineData("3e38,3e38,3e38", "too large")]
    [InlineData("1,1.0000001e16", "too large")]
    [InlineData("1e-20,0", "too short")]
    [InlineData("1e-20,-1e-20", "too short")]
    [InlineData("-0,1e-30", "too short")]
    public void Values_or_norms_float32_cannot_hold_are_refused_with_the_bound(string text, string reason)
    {
        Assert.False(VectorText.TryParse(text, out var vector, out var error));
        Assert.Null(vector);
        Assert.Contains(reason, error);
        Assert.Matches("1e16|1.2e-38", error); // the bound is stated
    }

    [Theory]
    [InlineData("1e16,-1e16")]
    [InlineData("1e-19,1e-19")]
    [InlineData("1e-45,1")] // a subnormal beside a normal value is fine
    [InlineData("-0,1")]
    public void Values_at_the_bounds_are_accepted(string text) =>
        Assert.True(VectorText.TryParse(text, out _, out var error), error);

    [Fact]
    public void The_largest_admitted_vectors_give_finite_results_in_float32()
    {
        var a = Enumerable.Repeat(VectorText.MaxMagnitude, VectorText.MaxDimensions).ToArray();
        var b = Enumerable.Repeat(-VectorText.MaxMagnitude, VectorText.MaxDimensions).ToArray();
        Assert.Equal(-1f, VectorMath.Cosine(a, b), 5);
        Assert.Equal(1f, VectorMath.Cosine(a, a), 5);
        var expected = Math.Sqrt(VectorText.MaxDimensions) * 2 * VectorText.MaxMagnitude;
        Assert.Equal(1, VectorMath.Euclidean(a, b) / expected, 5);
        // The float32 sums Redis and the fast path compute stay finite: 4096 squared differences.
        var sum = 0f;
        for (var i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        Assert.True(float.IsFinite(sum));
    }

    public static TheoryData<float[], float[], float> StoredBeforeTheBounds => new()
    {
        { [3e38f, 3e38f, 3e38f], [1f, 1f, 1f], 1f },
        { [-3e38f, 1f], [3e38f, 1f], -1f },
        { [2e19f, 1f], [1f, 1f], 0.70710677f },
        { [1e-30f, 0f], [1e-30f, 0f], 1f }, // squares underflow float32, not double
        { [1e-30f, 0f], [0f, 1e-30f], 0f },
        { [float.NaN, 1f], [1f, 1f], 0f },
        { [float.PositiveInfinity, 1f], [1f, 1f], 0f },
    };

    [Theory]
    [MemberData(nameof(StoredBeforeTheBounds))]
    public void Cosine_of_any_bytes_is_finite_and_exact_where_double_can_say(float[] a, float[] b, float expected)
    {
        foreach (var (x, y) in new[] { (a, b), (b, a) })
        {
            var cosine = VectorMath.Cosine(x, y);
            Assert.True(float.IsFinite(cosine), $"cosine {cosine}");
            Assert.Equal(expected, cosine, 5);
            var distance = VectorMath.Euclidean(x, y);
            Assert.True(float.IsFinite(distance) && distance >= 0, $"distance {distance}");
        }
    }

    [Fact]
    public void Cosine_and_distance_stay_finite_on_the_simd_path_too()
    {
        var huge = Enumerable.Repeat(3e38f, 64).ToArray();
        var small = Enumerable.Repeat(1e-30f, 64).ToArray();
        var withNaN = Enumerable.Repeat(1f, 64).ToArray();
        withNaN[17] = float.NaN;
        Assert.Equal(1f, VectorMath.Cosine(huge, small), 5);
        Assert.Equal(0f, VectorMath.Cosine(huge, withNaN));
        Assert.Equal(float.MaxValue, VectorMath.Euclidean(huge, huge.Select(v => -v).ToArray()));
        Assert.Equal(float.MaxValue, VectorMath.Euclidean(withNaN, small));
        var large = Enumerable.Repeat(3e36f, 64).ToArray(); // its squares overflow float32, its distance does not
        Assert.Equal(1, VectorMath.Euclidean(large, small) / (Math.Sqrt(64) * 3e36), 5);
    }
}
