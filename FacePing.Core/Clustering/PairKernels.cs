using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FacePing.Core.Clustering;

/// <summary>
/// The inner loop of the all-pairs search: the integer dot products of 6 rows × 16 columns of <see cref="PairCodes"/>
/// at once, written row by row (16 ints a row). Three versions give the same integers: AVX-VNNI (<c>vpdpbusd</c>: 32
/// multiply-adds in one instruction, 12 accumulators in registers; its unsigned rows carry +128, taken back out with
/// <see cref="PairCodes.Offsets"/>), AVX2 (<c>vpmaddubsw</c> on |a| and sign-adjusted b, which cannot saturate for
/// codes in [-127, 127], then <c>vpmaddwd</c> by ones; about 3× slower) and scalar.
/// </summary>
internal static class PairKernels
{
    public enum Kind
    {
        Scalar,
        Avx2,
        AvxVnni,
    }

    /// <summary>The fastest kernel this CPU runs.</summary>
    public static Kind Best { get; } = AvxVnni.IsSupported ? Kind.AvxVnni : Avx2.IsSupported ? Kind.Avx2 : Kind.Scalar;

    public static bool IsSupported(Kind kind) => kind switch
    {
        Kind.AvxVnni => AvxVnni.IsSupported,
        Kind.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <param name="rows">The first of 6 consecutive rows.</param>
    /// <param name="panel0">The panel of columns 0–7; columns 8–15 are the next panel.</param>
    /// <param name="offsets">The 16 columns' <see cref="PairCodes.Offsets"/>.</param>
    /// <param name="output">96 ints: output[16 r + c] for row r, column c.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(Kind kind, ref byte rows, int rowBytes, ref sbyte panel0, int groups,
        ReadOnlySpan<int> offsets, Span<int> output)
    {
        if (output.Length < 96 || offsets.Length < PairCodes.TileColumns)
            throw new ArgumentException("The tile needs 96 ints and 16 offsets.");
        ref var panel1 = ref Unsafe.Add(ref panel0, groups * 32);
        ref var columns0 = ref Unsafe.As<sbyte, byte>(ref panel0);
        ref var columns1 = ref Unsafe.As<sbyte, byte>(ref panel1);
        switch (kind)
        {
            case Kind.AvxVnni:
                Vnni(ref rows, rowBytes, ref columns0, ref columns1, groups, ref MemoryMarshal.GetReference(offsets),
                    ref MemoryMarshal.GetReference(output));
                break;
            case Kind.Avx2:
                Avx2Tile(ref rows, rowBytes, ref columns0, ref columns1, groups,
                    ref MemoryMarshal.GetReference(output));
                break;
            default:
                ScalarTile(ref rows, rowBytes, ref panel0, ref panel1, groups, output);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Vnni(ref byte a0, int rowBytes, ref byte p0, ref byte p1, int groups, ref int offsets,
        ref int output)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref var a1 = ref Unsafe.Add(ref a0, rowBytes);
        ref var a2 = ref Unsafe.Add(ref a1, rowBytes);
        ref var a3 = ref Unsafe.Add(ref a2, rowBytes);
        ref var a4 = ref Unsafe.Add(ref a3, rowBytes);
        ref var a5 = ref Unsafe.Add(ref a4, rowBytes);
        var end = (nuint)groups * 4;
        for (nuint q = 0, b = 0; q < end; q += 4, b += 32)
        {
            var x0 = Vector256.LoadUnsafe(ref p0, b).AsSByte();
            var x1 = Vector256.LoadUnsafe(ref p1, b).AsSByte();
            var y = Broadcast(ref a0, q);
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, y, x0);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, y, x1);
            y = Broadcast(ref a1, q);
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, y, x0);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, y, x1);
            y = Broadcast(ref a2, q);
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, y, x0);
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, y, x1);
            y = Broadcast(ref a3, q);
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, y, x0);
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, y, x1);
            y = Broadcast(ref a4, q);
            c40 = AvxVnni.MultiplyWideningAndAdd(c40, y, x0);
            c41 = AvxVnni.MultiplyWideningAndAdd(c41, y, x1);
            y = Broadcast(ref a5, q);
            c50 = AvxVnni.MultiplyWideningAndAdd(c50, y, x0);
            c51 = AvxVnni.MultiplyWideningAndAdd(c51, y, x1);
        }
        var o0 = Vector256.LoadUnsafe(ref offsets);
        var o1 = Vector256.LoadUnsafe(ref offsets, 8);
        (c00 - o0).StoreUnsafe(ref output, 0);
        (c01 - o1).StoreUnsafe(ref output, 8);
        (c10 - o0).StoreUnsafe(ref output, 16);
        (c11 - o1).StoreUnsafe(ref output, 24);
        (c20 - o0).StoreUnsafe(ref output, 32);
        (c21 - o1).StoreUnsafe(ref output, 40);
        (c30 - o0).StoreUnsafe(ref output, 48);
        (c31 - o1).StoreUnsafe(ref output, 56);
        (c40 - o0).StoreUnsafe(ref output, 64);
        (c41 - o1).StoreUnsafe(ref output, 72);
        (c50 - o0).StoreUnsafe(ref output, 80);
        (c51 - o1).StoreUnsafe(ref output, 88);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Broadcast(ref byte row, nuint offset) =>
        Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, offset))).AsByte();

    // Rows hold a + 128 as bytes; XOR 0x80 gives a as sbyte. |a| (≤ 127) times sign(a)·b (in [-127, 127]) sums pairs
    // to at most 2 · 127 · 127 < 32,767, so vpmaddubsw never saturates; vpmaddwd by ones sums each lane's 4 bytes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Avx2Tile(ref byte a0, int rowBytes, ref byte p0, ref byte p1, int groups, ref int output)
    {
        var ones = Vector256.Create((short)1);
        var flip = Vector256.Create((byte)0x80);
        var end = (nuint)groups * 4;
        for (var r = 0; r < PairCodes.TileRows; r++)
        {
            ref var row = ref Unsafe.Add(ref a0, r * rowBytes);
            Vector256<int> s0 = default, s1 = default;
            for (nuint q = 0, b = 0; q < end; q += 4, b += 32)
            {
                var a = (Broadcast(ref row, q) ^ flip).AsSByte();
                var magnitude = Avx2.Abs(a);
                var x0 = Avx2.Sign(Vector256.LoadUnsafe(ref p0, b).AsSByte(), a);
                var x1 = Avx2.Sign(Vector256.LoadUnsafe(ref p1, b).AsSByte(), a);
                s0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, x0), ones);
                s1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, x1), ones);
            }
            s0.StoreUnsafe(ref output, (nuint)(r * 16));
            s1.StoreUnsafe(ref output, (nuint)(r * 16 + 8));
        }
    }

    private static void ScalarTile(ref byte a0, int rowBytes, ref sbyte p0, ref sbyte p1, int groups, Span<int> output)
    {
        for (var r = 0; r < PairCodes.TileRows; r++)
        {
            ref var row = ref Unsafe.Add(ref a0, r * rowBytes);
            for (var c = 0; c < PairCodes.TileColumns; c++)
            {
                ref var panel = ref c < PairCodes.PanelWidth ? ref p0 : ref p1;
                var lane = c % PairCodes.PanelWidth;
                var sum = 0;
                for (var g = 0; g < groups; g++)
                {
                    for (var b = 0; b < 4; b++)
                        sum += (Unsafe.Add(ref row, g * 4 + b) - 128) * Unsafe.Add(ref panel, g * 32 + lane * 4 + b);
                }
                output[r * 16 + c] = sum;
            }
        }
    }
}
