using System.ComponentModel.DataAnnotations;

namespace FacePing.Inference.Options;

/// <summary>Limits on uploaded images (section <c>FacePing:Images</c>).</summary>
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
}
