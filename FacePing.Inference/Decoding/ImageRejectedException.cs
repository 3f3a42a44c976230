namespace FacePing.Inference.Decoding;

/// <summary>
/// The bytes are not an image we accept; <see cref="Status"/> is the HTTP status to answer (413 or 415).
/// </summary>
public sealed class ImageDecodeException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}
