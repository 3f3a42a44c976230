using System.Numerics.Tensors;

namespace FacePing.Benchmarks;

internal static class RandomVectors
{
    /// <summary>
    /// A direction uniform on the sphere (Gaussian coordinates, normalised): the hard case for an ANN index.
    /// </summary>
    public static float[] Unit(Random random, int dims)
    {
        var v = new float[dims];
        for (var i = 0; i < dims; i++)
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()))
                * Math.Cos(2 * Math.PI * random.NextDouble()));
        return Normalize(v);
    }

    public static float[] Normalize(float[] v)
    {
        var norm = MathF.Sqrt(TensorPrimitives.Dot(v, v));
        for (var i = 0; i < v.Length; i++) v[i] /= norm;
        return v;
    }
}
