namespace FacePing.Contracts.Inference;

/// <summary>How fit a detected face is for recognition, and why not when it is not.</summary>
/// <param name="Score">
/// 0–1: the product of the factors below; faces under ~0.3 recognise markedly worse on LFW (docs/quality.md).
/// </param>
/// <param name="FaceSize">Shorter side of the face box in pixels of the original image.</param>
/// <param name="Sharpness">0–1: detail in the aligned face (high-frequency energy against its contrast); blur and
/// upscaled tiny faces score low.</param>
/// <param name="Brightness">0–1: mean luminance of the aligned face.</param>
/// <param name="Yaw">
/// Degrees, left-right head turn (approximate, from landmarks; positive: the face turns to the image's right).
/// </param>
/// <param name="Pitch">Degrees, up-down tilt (approximate; positive: looking down).</param>
/// <param name="Roll">Degrees, in-plane rotation of the eye line (alignment undoes it, so it costs little).</param>
/// <param name="Issues">
/// Reasons the face may recognise badly: small, blurry, dark, overexposed, pose, cut, uncertain.
/// </param>
public sealed record FaceQuality(
    float Score,
    int FaceSize,
    float Sharpness,
    float Brightness,
    float Yaw,
    float Pitch,
    float Roll,
    IReadOnlyList<string> Issues);
