namespace FacePing.Core.Inference;

/// <summary>
/// The internal wire contract of the Inference service: <c>POST /v1/analyze?embed=largest|all|none[&amp;max=N]</c> with
/// the raw image bytes as the body (<c>application/octet-stream</c>). The face the API uses (the largest whole,
/// confident one) comes first, then the rest largest first; <c>max</c> limits how many of them <c>all</c> embeds.
/// Errors are problem+json: 400 empty body, 413 too many bytes or pixels, 415 not a decodable image.
/// </summary>
public sealed record FaceAnalysis(int Width, int Height, string Model, int FaceCount,
    IReadOnlyList<DetectedFace> Faces);

/// <param name="Box">Pixel box in the EXIF-oriented image.</param>
/// <param name="Confidence">Detector score in [0, 1].</param>
/// <param name="Landmarks">
/// Five points (left eye, right eye, nose tip, left and right mouth corner) as [x, y] pixels.
/// </param>
/// <param name="Embedding">L2-normalised embedding, or null when it was not asked for.</param>
/// <param name="Quality">
/// Fitness for recognition; null for faces whose landmarks were not examined (embed=largest).
/// </param>
public sealed record DetectedFace(FaceBox Box, float Confidence, float[][] Landmarks, float[]? Embedding,
    FaceQuality? Quality = null);

public sealed record FaceBox(float X, float Y, float Width, float Height);

/// <summary>
/// Which faces the Inference service embeds: the largest only (what the public API needs), all, or none.
/// </summary>
public enum EmbedMode
{
    Largest,
    All,
    None,
}
