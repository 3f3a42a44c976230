using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FacePing.Core.Jobs;

/// <summary>
/// The id of an ingested file's vector: a UUID made from SHA-256 of <c>tenant|group|source|fileId</c>, so re-running a
/// folder (or resuming a job after a crash) replaces the same vectors instead of adding copies.
/// </summary>
public static class IngestedVectorId
{
    public static string For(string tenant, string groupName, string source, string fileId) =>
        FromHash($"{tenant}|{groupName}|{source}|{fileId}");

    /// <summary>
    /// The id of face <paramref name="index"/> (largest first) of the photo whose id is <paramref name="photoId"/>:
    /// the photo's own id for its largest face (the id a <c>largest</c> import gives it, so switching to
    /// <c>all</c> keeps it), a UUID from SHA-256 of <c>photoId#index</c> for the others.
    /// </summary>
    public static string ForFace(string photoId, int index) =>
        index == 0 ? photoId : FromHash($"{photoId}#{index.ToString(CultureInfo.InvariantCulture)}");

    private static string FromHash(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: application-defined (RFC 9562)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
