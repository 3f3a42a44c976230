using System.Buffers;

namespace FacePing.Core.Metadata;

/// <summary>Name rules shared by group names, metadata keys and client-chosen vector ids.</summary>
public static class Names
{
    public const int MaxNameLength = 64;
    public const int MaxIdLength = 128;

    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    // Ids may also carry ':' (e.g. "drive:<fileId>"-style derived ids); still nothing that needs escaping anywhere.
    private static readonly SearchValues<char> IdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:");

    /// <summary>1–64 characters of <c>A–Z a–z 0–9 _ - .</c> (group names, metadata keys, tenant ids).</summary>
    public static bool IsValidName(ReadOnlySpan<char> name) =>
        name.Length is > 0 and <= MaxNameLength && !name.ContainsAnyExcept(NameChars);

    /// <summary>
    /// 1–128 characters of <c>A–Z a–z 0–9 _ - . :</c> (vector ids given by a client or by ingestion).
    /// </summary>
    public static bool IsValidId(ReadOnlySpan<char> id) =>
        id.Length is > 0 and <= MaxIdLength && !id.ContainsAnyExcept(IdChars);

    public const string NameRule = "1–64 characters of A–Z a–z 0–9 _ - .";
    public const string IdRule = "1–128 characters of A–Z a–z 0–9 _ - . :";
}
