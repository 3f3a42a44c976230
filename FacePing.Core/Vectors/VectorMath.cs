using System.Numerics;
using System.Runtime.InteropServices;

namespace FacePing.Core.Vectors;

/// <summary>Exact similarity arithmetic on float32 vectors (SIMD, no allocation).</summary>
public static class VectorMath
{
    /// <summary>Cosine similarity in [-1, 1]; the vectors need not be normalised.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Vectors differ in length.");
        var (dot, na, nb) = Sums(a, b);
        if (na == 0 || nb == 0) return 0f;
        var cos = dot / (Math.Sqrt(na) * Math.Sqrt(nb));
        return (float)Math.Clamp(cos, -1.0, 1.0);
    }

    /// <summary>Euclidean distance of the vectors as given (not normalised).</summary>
    public static float Euclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Vectors differ in length.");
        double sum = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (var k = 0; k < va.Length; k++)
            {
                var d = va[k] - vb[k];
                acc += d * d;
            }
            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return (float)Math.Sqrt(sum);
    }

    private static (double Dot, double Na, double Nb) Sums(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            Vector<float> vd = default, vx = default, vy = default;
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (var k = 0; k < va.Length; k++)
            {
                vd += va[k] * vb[k];
                vx += va[k] * va[k];
                vy += vb[k] * vb[k];
            }
            dot = Vector.Sum(vd);
            na = Vector.Sum(vx);
            nb = Vector.Sum(vy);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return (dot, na, nb);
    }

    /// <summary>The little-endian float32 bytes Redis' <c>VADD ... FP32</c> takes and the vector hash stores.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    public static float[] FromBytes(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
