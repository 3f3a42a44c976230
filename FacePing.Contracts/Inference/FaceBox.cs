namespace FacePing.Contracts.Inference;

/// <summary>Pixel box of a face in the EXIF-oriented image.</summary>
public sealed record FaceBox(float X, float Y, float Width, float Height);
