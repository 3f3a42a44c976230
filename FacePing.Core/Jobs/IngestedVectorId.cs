using System.Security.Cryptography;
using System.Text;

namespace FacePing.Core.Jobs;

/// <summary>
/// The id of an ingested file's vector: a UUID made from SHA-256 of <c>tenant|group|source|fileId</c>, so re-running a
/// folder (or resuming a job after a crash) replaces the same vectors instead of adding copies.
/// </summary>
public static class IngestedVectorId
{
    public static string For(string tenant, string groupName, string source, string fileId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}|{groupName}|{source}|{fileId}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: application-defined (RFC 9562)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
