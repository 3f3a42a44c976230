using System.Buffers.Binary;

namespace FacePing.Core.Vectors;

/// <summary>
/// The half-precision form in which the vector hashes keep a vector (field <c>vh</c>): its length as a double (the
/// length of a vector of finite float32 components can exceed float32's range), then its direction (the vector
/// divided by its length) as IEEE half floats, all little-endian: 8 + 2 × dims bytes, about half of float32. The
/// direction is a unit vector, so every component lies in [-1, 1], where half floats keep 11 significant bits whatever
/// the caller's scale (a raw vector of components near 1e16 or 1e-10 would not fit half floats as given). Decoding
/// multiplies back: each component within 2⁻¹¹ of its value relative to the length, which moves a cosine by about
/// 1e-5 (docs/performance.md has the LFW accept rates before and after).
/// </summary>
public static class HalfVectors
{
    /// <summary>Bytes of the encoded form of a vector of <paramref name="dimensions"/> components.</summary>
    public static int Bytes(int dimensions) => 8 + 2 * dimensions;

    /// <summary>The encoded form of <paramref name="vector"/> (finite, with a non-zero length).</summary>
    public static byte[] Encode(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (var x in vector) sum += (double)x * x;
        var length = Math.Sqrt(sum);
        var bytes = new byte[Bytes(vector.Length)];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, length);
        if (length == 0 || !double.IsFinite(length)) return bytes;
        var inverse = 1.0 / length;
        for (var i = 0; i < vector.Length; i++)
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(8 + 2 * i), (Half)(vector[i] * inverse));
        return bytes;
    }

    /// <summary>The components of an encoded vector; false when <paramref name="encoded"/> is not one.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, Span<float> into)
    {
        if (encoded.Length != Bytes(into.Length)) return false;
        var length = BinaryPrimitives.ReadDoubleLittleEndian(encoded);
        for (var i = 0; i < into.Length; i++)
            into[i] = (float)((double)BinaryPrimitives.ReadHalfLittleEndian(encoded[(8 + 2 * i)..]) * length);
        return true;
    }

    /// <summary>Dimensions of an encoded vector of <paramref name="bytes"/> bytes, or -1.</summary>
    public static int Dimensions(int bytes) => bytes >= 10 && bytes % 2 == 0 ? (bytes - 8) / 2 : -1;
}
