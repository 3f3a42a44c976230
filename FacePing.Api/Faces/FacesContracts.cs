using System.Text.Json;

namespace FacePing.Api.Faces;

public sealed record CompareFacesRequest(string? Face1, string? Face2);

public sealed record CompareFacesResponse(float Similarity, bool IsMatch, double Threshold, ComparedFace Face1, ComparedFace Face2);

public sealed record ComparedFace(FaceBoxResponse Box, float Confidence, int FaceCount);

public sealed record GenerateVectorRequest(string? Image);

public sealed record GenerateVectorResponse(string Embedding, int Dimensions, string Model, FaceResponse Face, int FaceCount);

public sealed record StoreFaceBase64Request(string? Base64Image, JsonElement? Metadata);

public sealed record StoredFaceResponse(string Id, string GroupName, FaceResponse Face, int FaceCount);

public sealed record FaceResponse(FaceBoxResponse Box, float Confidence);

/// <summary>Pixel box of a face in the (EXIF-oriented) image, rounded to whole pixels.</summary>
public sealed record FaceBoxResponse(int X, int Y, int Width, int Height)
{
    public static FaceBoxResponse From(FacePing.Core.Inference.FaceBox box) => new(
        (int)MathF.Round(box.X), (int)MathF.Round(box.Y), (int)MathF.Round(box.Width), (int)MathF.Round(box.Height));
}
