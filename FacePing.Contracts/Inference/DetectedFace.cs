namespace FacePing.Contracts.Inference;

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
    FaceQuality? Quality = null)
{
    /// <summary>Area of the box in pixels: "largest first" orders by it.</summary>
    public float Area => Box.Width * Box.Height;
}
