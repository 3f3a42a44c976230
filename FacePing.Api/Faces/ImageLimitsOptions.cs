using System.ComponentModel.DataAnnotations;

namespace FacePing.Api.Faces;

/// <summary>Upload limits of the image endpoints (section <c>FacePing:Images</c>).</summary>
public sealed class ImageLimitsOptions
{
    public const string Section = "FacePing:Images";

    /// <summary>
    /// Largest accepted image upload, multipart or JSON base64 (decoded): 10 MB by default, as the original service.
    /// </summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary><c>/face/base64</c> keeps the original service's 1 MB decoded limit.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxBase64Bytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The body limit of a request carrying <paramref name="images"/> images of at most
    /// <paramref name="imageBytes"/> (default: the upload limit) as base64 (4/3 of the bytes), plus room for the
    /// envelope.
    /// </summary>
    public long BodyLimit(int images, long? imageBytes = null) =>
        images * ((imageBytes ?? MaxUploadBytes) / 3 * 4 + 4) + 64 * 1024;
}
