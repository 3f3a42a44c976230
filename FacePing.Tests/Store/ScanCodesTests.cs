using FacePing.Core.Vectors;
using FacePing.Tests.Api;

namespace FacePing.Tests.Store;

/// <summary>
/// The int4 and int8 codes of the in-memory scan: SIMD kernels equal to plain arithmetic, bounded error.
/// </summary>
public sealed class ScanCodesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(512)]
    [InlineData(4096)]
    public void Simd_dot_equals_the_scalar_reference(int dims)
    {
        var random = new Random(dims);
        var query = new short[dims];
        var codes = new sbyte[dims];
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < dims; i++)
            {
                query[i] = (short)random.Next(-4000, 4001);
                codes[i] = (sbyte)random.Next(-127, 128);
            }
            Assert.Equal(Int8Codes.DotScalar(query, codes), Int8Codes.Dot(query, codes));
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(4096)]
    public void Largest_codes_do_not_overflow(int dims)
    {
        // All components equal: every code sits at its limit, the worst case for the int32 sum.
        var vector = Enumerable.Repeat(1f, dims).ToArray();
        var query = new short[dims];
        var codes = new sbyte[dims];
        var qs = Int8Codes.EncodeQuery(vector, query);
        var cs = Int8Codes.Encode(vector, codes);
        Assert.All(codes, c => Assert.Equal(127, c));
        Assert.All(query, q => Assert.Equal((short)Int8Codes.QueryLimit(dims), q));
        long exact = 0;
        for (var i = 0; i < dims; i++) exact += (long)query[i] * codes[i];
        Assert.Equal(exact, Int8Codes.Dot(query, codes));
        Assert.Equal(1.0, Int8Codes.Dot(query, codes) * (double)qs * cs, 3);

        var opposite = vector.Select(x => -x).ToArray();
        Int8Codes.Encode(opposite, codes);
        Assert.Equal(-1.0, Int8Codes.Dot(query, codes) * (double)qs * cs, 3);
    }

    [Fact]
    public void Quantized_scores_track_cosine_closely_enough_to_pick_candidates()
    {
        var random = new Random(7);
        const int dims = 512;
        var worst = 0.0;
        var query = new short[dims];
        var codes = new sbyte[dims];
        for (var round = 0; round < 500; round++)
        {
            var a = ApiTestData.RandomUnit(random, dims);
            // Unnormalised and mixed: the codes must carry the direction only.
            var b = ApiTestData.RandomUnit(random, dims).Select((x, i) => 3.5f * (x + 0.3f * a[i])).ToArray();
            var approx = Int8Codes.EncodeQuery(a, query) * (double)Int8Codes.Encode(b, codes)
                * Int8Codes.Dot(query, codes);
            worst = Math.Max(worst, Math.Abs(approx - VectorMath.Cosine(a, b)));
        }
        // Scores of neighbours ranked 10 and 40 among 100k random 512-d vectors differ by ~0.01; face matches by far
        // more.
        Assert.True(worst < 2e-3, $"worst error {worst}");
    }

    [Fact]
    public void Zero_vector_encodes_to_zero_scale()
    {
        var codes = new sbyte[4];
        var query = new short[4];
        Assert.Equal(0f, Int8Codes.Encode([0, 0, 0, 0], codes));
        Assert.Equal(0f, Int8Codes.EncodeQuery([0, 0, 0, 0], query));
        Assert.All(codes, c => Assert.Equal(0, c));
        Assert.All(query, q => Assert.Equal(0, q));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(96)]
    [InlineData(128)]
    [InlineData(200)]
    [InlineData(512)]
    [InlineData(4096)]
    public void Int4_simd_dot_equals_the_scalar_reference_and_the_unpacked_codes(int dims)
    {
        var random = new Random(dims);
        var bytes = Int4Codes.Bytes(dims);
        var packed = new byte[bytes];
        var low = new sbyte[bytes];
        var high = new sbyte[bytes];
        for (var round = 0; round < 20; round++)
        {
            var v = ApiTestData.RandomUnit(random, dims);
            var q = ApiTestData.RandomUnit(random, dims);
            Int4Codes.Encode(v, packed);
            Int4Codes.EncodeQuery(q, low, high, out var sum);
            var dot = Int4Codes.Dot(low, high, packed);
            Assert.Equal(Int4Codes.DotScalar(low, high, packed), dot);

            // Unpacked by the documented layout, the codes give the same dot product.
            long expected = 0;
            for (var i = 0; i < dims; i++)
            {
                var at = i / 64 * 32 + (i & 31);
                var code = ((i & 32) == 0 ? packed[at] & 0x0F : packed[at] >> 4) - 8;
                var query = (i & 32) == 0 ? low[at] : high[at];
                Assert.InRange(code, -7, 7);
                expected += code * query;
            }
            Assert.Equal(expected, dot - 8L * sum);
        }
    }

    [Fact]
    public void Int4_scores_track_cosine_well_enough_for_a_first_pass()
    {
        var random = new Random(3);
        const int dims = 512;
        var bytes = Int4Codes.Bytes(dims);
        var packed = new byte[bytes];
        var low = new sbyte[bytes];
        var high = new sbyte[bytes];
        var errors = new List<double>();
        for (var round = 0; round < 500; round++)
        {
            var a = ApiTestData.RandomUnit(random, dims);
            var b = ApiTestData.RandomUnit(random, dims).Select((x, i) => 2f * (x + 0.5f * a[i])).ToArray();
            var vs = Int4Codes.Encode(b, packed);
            var qs = Int4Codes.EncodeQuery(a, low, high, out var sum);
            var approx = (Int4Codes.Dot(low, high, packed) - 8.0 * sum) * vs * qs;
            errors.Add(Math.Abs(approx - VectorMath.Cosine(a, b)));
        }
        var rms = Math.Sqrt(errors.Average(e => e * e));
        // The int8 pass re-scores the best 200+ of the 4-bit pass, so only gross errors would lose a neighbour.
        Assert.True(rms < 0.012 && errors.Max() < 0.04, $"rms {rms}, worst {errors.Max()}");
    }
}
