using System.Runtime.InteropServices;
using FacePing.Core.Metadata;
using FacePing.Core.Vectors;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// How a vector hash holds its vector: field <c>vh</c> in the half-precision form (<see cref="HalfVectors"/>: face
/// vectors by default) or field <c>vec</c> as float32 (vectors callers send, and every vector written before the
/// store kept a million faces); <see cref="VectorStoreOptions.VectorPrecision"/> decides. A hash has one of the two;
/// readers ask for both.
/// </summary>
internal static class VectorEncoding
{
    public const string Float32Field = "vec";
    public const string HalfField = "vh";

    /// <summary>
    /// Whether a new vector from <paramref name="source"/> is kept in half precision: always with <c>half</c>, never
    /// with <c>float32</c>, and with <c>auto</c> when the service computed it from a photo (the caller never had its
    /// exact bits) but not when the caller sent it (<see cref="VectorSources.Vector"/>: read back exactly as sent).
    /// </summary>
    public static bool IsHalf(string precision, string source) => precision switch
    {
        VectorPrecisions.Half => true,
        VectorPrecisions.Float32 => false,
        _ => source != VectorSources.Vector,
    };

    /// <summary>The field and bytes a new vector is written as.</summary>
    public static (string Field, byte[] Bytes) Encode(ReadOnlySpan<float> vector, bool half) =>
        half ? (HalfField, HalfVectors.Encode(vector)) : (Float32Field, VectorMath.ToBytes(vector));

    /// <summary>
    /// Writes the stored vector into <paramref name="into"/> from the values of its two fields; false when neither
    /// holds a vector of <paramref name="into"/>'s length. For reads in bulk, into a buffer the caller reuses.
    /// </summary>
    public static bool TryRead(RedisValue float32, RedisValue half, Span<float> into)
    {
        if (!half.IsNull) return HalfVectors.TryDecode(((ReadOnlyMemory<byte>)half).Span, into);
        if (float32.IsNull) return false;
        var stored = MemoryMarshal.Cast<byte, float>(((ReadOnlyMemory<byte>)float32).Span);
        if (stored.Length != into.Length) return false;
        stored.CopyTo(into);
        return true;
    }

    /// <summary>The stored vector from the values of its two fields, or null when neither holds one.</summary>
    public static float[]? Decode(RedisValue float32, RedisValue half)
    {
        if (!half.IsNull)
        {
            var bytes = ((ReadOnlyMemory<byte>)half).Span;
            var dims = HalfVectors.Dimensions(bytes.Length);
            if (dims < 1) return null;
            var vector = new float[dims];
            return HalfVectors.TryDecode(bytes, vector) ? vector : null;
        }
        return float32.IsNull ? null : VectorMath.FromBytes(((ReadOnlyMemory<byte>)float32).Span);
    }
}
