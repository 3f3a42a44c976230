using FacePing.Core.Metadata;
using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace FacePing.Core.Storage;

/// <summary>
/// Metadata pairs as opaque tokens for VSIM's FILTER. The vector set's attributes hold <c>{"h":[token...]}</c> and a
/// filter becomes <c>"t1" in .h and "t2" in .h</c>: hex tokens need no escaping, whatever characters keys and values
/// hold (the expression language has no documented string escapes and field selectors cannot name every key we allow).
/// A token is 64 bits of SHA-256 of key NUL value; candidates are checked against their exact metadata afterwards, so
/// even a collision cannot return a wrong hit.
/// </summary>
internal static class FilterTokens
{
    public static string Token(string key, string value) => Hash(key, value).ToString("x16");

    /// <summary>The token as a number (the scan copy holds these).</summary>
    public static ulong Hash(string key, string value)
    {
        var length = Encoding.UTF8.GetByteCount(key) + 1 + Encoding.UTF8.GetByteCount(value);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(key, rented);
            rented[written++] = 0;
            written += Encoding.UTF8.GetBytes(value, rented.AsSpan(written));
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, written), hash);
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The vector set attributes for a vector's metadata. createdAt has no token (nor, in the write scripts, an
    /// inverted set): it is unique per vector, so either would cost an entry per vector for nothing.
    /// </summary>
    public static string Attributes(IReadOnlyDictionary<string, string> metadata)
    {
        var hashes = Hashes(metadata);
        var sb = new StringBuilder(16 + hashes.Length * 19).Append("{\"h\":[");
        for (var i = 0; i < hashes.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append('"').Append(hashes[i].ToString("x16")).Append('"');
        }
        return sb.Append("]}").ToString();
    }

    /// <summary>
    /// A vector's tokens as numbers (the scan copy holds these; <see cref="Attributes"/> writes them in hex): every
    /// metadata pair but createdAt.
    /// </summary>
    public static ulong[] Hashes(IReadOnlyDictionary<string, string> metadata)
    {
        var count = metadata.Count - (metadata.ContainsKey(SystemMetadata.CreatedAt) ? 1 : 0);
        if (count <= 0) return [];
        var hashes = new ulong[count];
        var i = 0;
        foreach (var (k, v) in metadata)
        {
            if (k != SystemMetadata.CreatedAt) hashes[i++] = Hash(k, v);
        }
        return hashes;
    }

    public static string Expression(IReadOnlyDictionary<string, string> filter)
    {
        var sb = new StringBuilder(filter.Count * 30);
        foreach (var (k, v) in filter)
        {
            if (sb.Length > 0) sb.Append(" and ");
            sb.Append('"').Append(Token(k, v)).Append("\" in .h");
        }
        return sb.ToString();
    }
}
