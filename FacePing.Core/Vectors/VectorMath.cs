using System.Numerics;
using System.Runtime.InteropServices;

namespace FacePing.Core.Vectors;

/// <summary>
/// Exact similarity arithmetic on float32 vectors (SIMD, no allocation). Results are always finite: the float32 fast
/// path covers every vector the parse rules admit (<see cref="VectorText"/>); when its sums overflow or underflow
/// (vectors stored before those rules, or bytes from elsewhere) the sums are redone in double, where no finite
/// float32 input can overflow. A vector holding NaN or infinity scores 0 and is <see cref="float.MaxValue"/> away.
/// </summary>
public static class VectorMath
{
    /// <summary>Cosine similarity in [-1, 1], never NaN; the vectors need not be normalised.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Vectors differ in length.");
        var (dot, na, nb) = Sums(a, b);
        if (!double.IsFinite(dot) || !double.IsFinite(na) || !double.IsFinite(nb) || na == 0 || nb == 0)
            (dot, na, nb) = WideSums(a, b);
        if (na == 0 || nb == 0) return 0f;
        var cos = dot / (Math.Sqrt(na) * Math.Sqrt(nb));
        return double.IsFinite(cos) ? (float)Math.Clamp(cos, -1.0, 1.0) : 0f;
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
        if (!double.IsFinite(sum))
        {
            sum = 0;
            for (var k = 0; k < a.Length; k++)
            {
                var d = (double)a[k] - b[k];
                sum += d * d;
            }
        }
        var distance = Math.Sqrt(sum);
        return double.IsFinite(distance) ? (float)Math.Min(distance, float.MaxValue) : float.MaxValue;
    }

    /// <summary>The sums with every product in double: finite for any finite float32 input.</summary>
    private static (double Dot, double Na, double Nb) WideSums(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double x = a[i], y = b[i];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return (dot, na, nb);
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
