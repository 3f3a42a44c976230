using FacePing.Contracts.Problems;

namespace FacePing.Inference.Decoding;

/// <summary>
/// The bytes are not an image we accept; <see cref="Kind"/> is the catalogue's problem to answer (400, 413 or 415).
/// </summary>
public sealed class ImageDecodeException(ProblemKind kind, string detail) : Exception(detail)
{
    public ProblemKind Kind { get; } = kind;
    public int Status => Kind.Status;
    public string Title => Kind.Title;
}
