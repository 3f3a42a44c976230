using System.ComponentModel.DataAnnotations;

namespace FacePing.Ingestion.Drive;

/// <summary>Bound from <c>FacePing:Drive</c>.</summary>
public sealed class DriveOptions
{
    public const string Section = "FacePing:Drive";
    public const string GoogleTokenUri = "https://oauth2.googleapis.com/token";
    public const string LegacyGoogleTokenUri = "https://accounts.google.com/o/oauth2/token";

    /// <summary>Drive v3 REST base. Only tests point this elsewhere (a local fake).</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://www.googleapis.com/drive/v3/");

    /// <summary>
    /// Token endpoints a key's <c>token_uri</c> may name besides Google's own. A key is client input: without this
    /// check it could make the worker POST a signed assertion to any URL.
    /// </summary>
    public List<string> AllowedTokenUris { get; set; } = [];

    [Range(1, 1L << 31)]
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    [Range(1, 1000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>Most files taken from one folder.</summary>
    [Range(1, 1_000_000)]
    public int MaxFiles { get; set; } = 100_000;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
