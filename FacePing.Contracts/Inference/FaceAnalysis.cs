namespace FacePing.Contracts.Inference;

/// <summary>
/// The answer of the Inference service's <see cref="AnalyzeRoute"/>: the image's size, the face model, how many faces
/// it has, and the faces. The face the API uses (the largest whole, confident one) comes first, then the rest largest
/// first.
/// </summary>
public sealed record FaceAnalysis(int Width, int Height, string Model, int FaceCount,
    IReadOnlyList<DetectedFace> Faces);
