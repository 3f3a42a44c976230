using FacePing.Contracts.Inference;

namespace FacePing.Core.Faces;

/// <summary>
/// A detected face that was not accepted, and why: its quality issues (<c>small</c>, <c>blurry</c>, <c>dark</c>,
/// <c>pose</c>…, or <c>quality</c> when the score is low without a single clear cause) when it is under the quality
/// bar, or <see cref="NotEmbedded"/> when the Inference service gave it no embedding (not whole, not confident, or
/// past the number of faces asked for).
/// </summary>
public sealed record RejectedFace(DetectedFace Face, IReadOnlyList<string> Reasons, double MinQuality)
{
    public const string NotEmbedded = "not-embedded";
    public const string Small = "small";

    /// <summary>The face-size bar (pixels, shorter side of the box) it was judged by; 0 = none.</summary>
    public int MinFaceSize { get; init; }

    private bool IsTooSmall => MinFaceSize > 0 && Face.Quality is { } q && q.FaceSize < MinFaceSize;

    public bool IsLowQuality => Face.Quality is not null && !Reasons.Contains(NotEmbedded);

    /// <summary>How a folder import reports the face (its job's failed list).</summary>
    public string Describe() => IsTooSmall
        ? $"face {Face.Quality!.FaceSize} px is below {MinFaceSize} px"
        : IsLowQuality
        ? $"face quality {Face.Quality!.Score:0.###} is below {MinQuality:0.###} ({string.Join(", ", Reasons)})"
        : "face not usable (" + string.Join(", ", Reasons) + ")";
}
