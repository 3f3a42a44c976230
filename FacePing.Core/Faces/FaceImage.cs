namespace FacePing.Core.Faces;

/// <summary>
/// A photo's bytes and the request field that held them (problems about the image name it; null where there is no
/// request field, as in a folder import).
/// </summary>
public readonly record struct FaceImage(ReadOnlyMemory<byte> Bytes, string? Field = null);
