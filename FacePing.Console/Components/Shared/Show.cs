using FacePing.Client;
using System.Globalization;

namespace FacePing.Console.Components.Shared;

/// <summary>
/// How the pages write times and counts. Times are UTC and say so: the page is rendered on the server, whose clock zone
/// (UTC in a container) is not the reader's.
/// </summary>
public static class Show
{
    public static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A face's quality score (0–1), or a dash where the Api gave none.</summary>
    public static string Quality(FaceQuality? quality) =>
        quality?.Score.ToString("0.00", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>
    /// Who a stored vector is: its <c>name</c> or <c>person</c> metadata (the keys people enrol with), else the start
    /// of its id, so a label on a photo stays short.
    /// </summary>
    public static string NameOf(string id, IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue("name", out var name) && name.Length > 0 ? name
        : metadata.TryGetValue("person", out var person) && person.Length > 0 ? person
        : ShortId(id);

    /// <summary>The start of a long id, enough to tell vectors apart on a page; the full id is in its link.</summary>
    public static string ShortId(string id) => id.Length > 8 ? id[..8] + "…" : id;
}
