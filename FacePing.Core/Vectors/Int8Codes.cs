using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FacePing.Core.Vectors;

/// <summary>
/// Scalar-quantized unit vectors for the in-memory scan: a stored vector becomes int8 codes plus one scale, a query
/// int16 codes, and their integer dot product times both scales approximates the cosine. The approximation only picks
/// candidates (exact float32 cosine ranks them), so its error (about 1e-3 on 512-d unit vectors) needs no care beyond
/// asking for several times topK candidates.
/// </summary>
public static class Int8Codes
{
    /// <summary>
    /// Encodes the direction of <paramref name="vector"/> into <paramref name="codes"/> (same length) and returns the
    /// scale s with vector / |vector| ≈ s · codes. A zero vector gets zero codes and scale 0 (it scores 0 against
    /// anything).
    /// </summary>
    public static float Encode(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var (norm, max) = NormAndMax(vector);
        if (norm == 0 || max == 0 || !float.IsFinite(norm))
        {
            codes.Clear();
            return 0f;
        }
        var factor = 127f / max;
        for (var i = 0; i < vector.Length; i++) codes[i] = (sbyte)MathF.Round(vector[i] * factor);
        return max / 127f / norm;
    }

    /// <summary>
    /// Encodes a query into int16 codes whose largest magnitude keeps every dot product with int8 codes inside int32
    /// (|Σ q·c| ≤ Q · 127 · d by Cauchy–Schwarz on unit vectors), and returns its scale like <see cref="Encode"/>.
    /// </summary>
    public static float EncodeQuery(ReadOnlySpan<float> vector, Span<short> codes)
    {
        var (norm, max) = NormAndMax(vector);
        if (norm == 0 || max == 0 || !float.IsFinite(norm))
        {
            codes.Clear();
            return 0f;
        }
        var limit = QueryLimit(vector.Length);
        var factor = limit / max;
        for (var i = 0; i < vector.Length; i++) codes[i] = (short)MathF.Round(vector[i] * factor);
        return max / limit / norm;
    }

    /// <summary>Largest query code magnitude for <paramref name="dims"/> dimensions (at most 16,383).</summary>
    public static float QueryLimit(int dims) => Math.Min(16383, int.MaxValue / (127L * Math.Max(dims, 1)) - 1);

    /// <summary>
    /// Integer dot product of a query's codes with one stored vector's codes (AVX-512, AVX2 or scalar).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<short> query, ReadOnlySpan<sbyte> codes)
    {
        if (query.Length != codes.Length) throw new ArgumentException("Codes differ in length.");
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var c = ref MemoryMarshal.GetReference(codes);
        var n = query.Length;
        var i = 0;
        var sum = 0;
        if (Avx512BW.IsSupported && n >= 32)
        {
            var acc = Vector512<int>.Zero;
            for (; i <= n - 32; i += 32)
            {
                var wide = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref c, (nuint)i));
                acc = Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(wide, Vector512.LoadUnsafe(ref q, (nuint)i)));
            }
            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && n >= 16)
        {
            var acc = Vector256<int>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var wide = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref c, (nuint)i));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(wide, Vector256.LoadUnsafe(ref q, (nuint)i)));
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref q, i) * Unsafe.Add(ref c, i);
        return sum;
    }

    /// <summary>The same dot product without SIMD: the reference the tests hold the kernels to.</summary>
    public static int DotScalar(ReadOnlySpan<short> query, ReadOnlySpan<sbyte> codes)
    {
        var sum = 0;
        for (var i = 0; i < query.Length; i++) sum += query[i] * codes[i];
        return sum;
    }

    internal static (float Norm, float Max) NormAndMax(ReadOnlySpan<float> vector)
    {
        double squares = 0;
        var max = 0f;
        foreach (var x in vector)
        {
            squares += (double)x * x;
            max = MathF.Max(max, MathF.Abs(x));
        }
        return ((float)Math.Sqrt(squares), max);
    }
}
