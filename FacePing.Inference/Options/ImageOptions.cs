using System.ComponentModel.DataAnnotations;

namespace FacePing.Inference.Options;

/// <summary>Limits on uploaded images and on the pixels held at once (section <c>FacePing:Images</c>).</summary>
public sealed class ImageOptions
{
    public const string Section = "FacePing:Images";

    /// <summary>Largest accepted body in bytes.</summary>
    [Range(1024, 1L << 30)]
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest accepted pixel count, checked from the header before decoding.</summary>
    // Capped so the RGBA buffer (4 bytes a pixel) stays addressable by one array.
    [Range(1, 400_000_000)]
    public long MaxPixels { get; set; } = 50_000_000;

    /// <summary>
    /// Longer side images are decoded at (at least); bigger images use the codec's cheap scaled decode.
    /// Faces stay detectable because group-photo faces are far larger than the detector's minimum at this size.
    /// </summary>
    [Range(320, 16384)]
    public int MaxDecodeSide { get; set; } = 2048;

    /// <summary>
    /// Pixels all requests together may hold decoded at once (each weighs what its decode plan holds at its peak,
    /// known from the header). Requests beyond it wait up to <see cref="AdmissionWait"/>, then get 503 with
    /// Retry-After. The default holds four worst-case working images (2048² each): on two cores more at once adds
    /// memory, not throughput. One image heavier than the whole budget (a huge GIF) is admitted alone.
    /// </summary>
    [Range(1_000_000, 1_000_000_000)]
    public long MaxPixelsInFlight { get; set; } = 16_000_000;

    /// <summary>How long a request waits for room in <see cref="MaxPixelsInFlight"/> before it is shed.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan AdmissionWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retry-After, in seconds, of a shed request.</summary>
    [Range(1, 300)]
    public int ShedRetryAfterSeconds { get; set; } = 2;
}
