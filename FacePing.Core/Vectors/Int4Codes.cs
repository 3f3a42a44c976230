using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FacePing.Core.Vectors;

/// <summary>
/// 4-bit codes of unit vectors for the first pass of the in-memory scan: half the bytes of <see cref="Int8Codes"/>,
/// and the scan is bound by memory bandwidth (100k × 512-d: 26 MB a query instead of 51). Their error (about 7e-3 on
/// 512-d unit vectors) only decides which few hundred vectors the int8 pass looks at again.
/// Layout: blocks of 64 dimensions in 32 bytes; byte j of a block holds dimension j in its low nibble and dimension
/// 32 + j in its high nibble, each as code + 8 (1…15, 8 meaning 0), so one SIMD load yields two runs of dimensions.
/// The query is laid out to match (<see cref="EncodeQuery"/>) and dots with int8.
/// </summary>
public static class Int4Codes
{
    /// <summary>Bytes of one vector's codes (dimensions padded to a multiple of 64).</summary>
    public static int Bytes(int dims) => (dims + 63) / 64 * 32;

    /// <summary>
    /// Encodes the direction of <paramref name="vector"/>; returns the scale s with vector / |vector| ≈ s · code.
    /// </summary>
    public static float Encode(ReadOnlySpan<float> vector, Span<byte> packed)
    {
        packed.Fill(0x88);
        var (norm, max) = Int8Codes.NormAndMax(vector);
        if (norm == 0 || max == 0 || !float.IsFinite(norm)) return 0f;
        var factor = 7f / max;
        for (var i = 0; i < vector.Length; i++)
        {
            var u = (int)MathF.Round(vector[i] * factor) + 8;
            var at = i / 64 * 32 + (i & 31);
            packed[at] = (i & 32) == 0 ? (byte)((packed[at] & 0xF0) | u) : (byte)((packed[at] & 0x0F) | (u << 4));
        }
        return max / 7f / norm;
    }

    /// <summary>
    /// Encodes a query as int8 in the codes' layout: <paramref name="low"/>[k] pairs with byte k's low nibble,
    /// <paramref name="high"/>[k] with its high nibble (both <see cref="Bytes"/> long). <paramref name="sum"/> is the
    /// sum of all query codes, to take the +8 offset of the stored codes back out. Returns the query's scale.
    /// </summary>
    public static float EncodeQuery(ReadOnlySpan<float> vector, Span<sbyte> low, Span<sbyte> high, out int sum)
    {
        low.Clear();
        high.Clear();
        sum = 0;
        var (norm, max) = Int8Codes.NormAndMax(vector);
        if (norm == 0 || max == 0 || !float.IsFinite(norm)) return 0f;
        var factor = 127f / max;
        for (var i = 0; i < vector.Length; i++)
        {
            var q = (sbyte)MathF.Round(vector[i] * factor);
            sum += q;
            var at = i / 64 * 32 + (i & 31);
            if ((i & 32) == 0) low[at] = q;
            else high[at] = q;
        }
        return max / 127f / norm;
    }

    /// <summary>Σ (code + 8) · query over all dimensions; subtract 8 · sum for the dot product of the codes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<sbyte> low, ReadOnlySpan<sbyte> high, ReadOnlySpan<byte> packed)
    {
        if (low.Length != packed.Length || high.Length != packed.Length)
            throw new ArgumentException("Codes differ in length.");
        ref var l = ref MemoryMarshal.GetReference(low);
        ref var h = ref MemoryMarshal.GetReference(high);
        ref var p = ref MemoryMarshal.GetReference(packed);
        var n = packed.Length;
        var i = 0;
        var sum = 0;
        // (code + 8) ≤ 15 and |query| ≤ 127: a pair of products stays far inside the int16 that maddubs saturates at.
        if (Avx512BW.IsSupported && n >= 64)
        {
            var ones = Vector512<short>.One;
            var nibble = Vector512.Create((byte)0x0F);
            var acc = Vector512<int>.Zero;
            for (; i <= n - 64; i += 64)
            {
                var x = Vector512.LoadUnsafe(ref p, (nuint)i);
                var lo = Avx512BW.MultiplyAddAdjacent(x & nibble, Vector512.LoadUnsafe(ref l, (nuint)i));
                var hi = Avx512BW.MultiplyAddAdjacent(Vector512.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & nibble,
                    Vector512.LoadUnsafe(ref h, (nuint)i));
                acc = Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(Avx512BW.AddSaturate(lo, hi), ones));
            }
            sum = Vector512.Sum(acc);
        }
        if (Avx2.IsSupported && n - i >= 32)
        {
            var ones = Vector256<short>.One;
            var nibble = Vector256.Create((byte)0x0F);
            var acc = Vector256<int>.Zero;
            for (; i <= n - 32; i += 32)
            {
                var x = Vector256.LoadUnsafe(ref p, (nuint)i);
                var lo = Avx2.MultiplyAddAdjacent(x & nibble, Vector256.LoadUnsafe(ref l, (nuint)i));
                var hi = Avx2.MultiplyAddAdjacent(Vector256.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & nibble,
                    Vector256.LoadUnsafe(ref h, (nuint)i));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.AddSaturate(lo, hi), ones));
            }
            sum += Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            var b = Unsafe.Add(ref p, i);
            sum += (b & 0x0F) * Unsafe.Add(ref l, i) + (b >> 4) * Unsafe.Add(ref h, i);
        }
        return sum;
    }

    /// <summary>The same sum without SIMD: the reference the tests hold the kernels to.</summary>
    public static int DotScalar(ReadOnlySpan<sbyte> low, ReadOnlySpan<sbyte> high, ReadOnlySpan<byte> packed)
    {
        var sum = 0;
        for (var i = 0; i < packed.Length; i++) sum += (packed[i] & 0x0F) * low[i] + (packed[i] >> 4) * high[i];
        return sum;
    }
}
