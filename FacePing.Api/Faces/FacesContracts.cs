using System.Text.Json;
using FacePing.Contracts.Inference;
using FacePing.Core.Faces;
using FacePing.Core.Storage;

namespace FacePing.Api.Faces;

public sealed record CompareFacesRequest(string? Face1, string? Face2);

public sealed record CompareFacesResponse(float Similarity, bool IsMatch, double Threshold, ComparedFace Face1,
    ComparedFace Face2);

public sealed record ComparedFace(FaceBoxResponse Box, float Confidence, int FaceCount)
{
    public static ComparedFace From(AcceptedFace face) =>
        new(FaceBoxResponse.From(face.Face.Box), face.Face.Confidence, face.FaceCount);
}

public sealed record GenerateVectorRequest(string? Image);

public sealed record GenerateVectorResponse(string Embedding, int Dimensions, string Model, FaceResponse Face,
    int FaceCount);

public sealed record StoreFaceBase64Request(string? Base64Image, JsonElement? Metadata, double? MinQuality = null);

public sealed record StoredFaceResponse(string Id, string GroupName, FaceResponse Face, int FaceCount);

/// <param name="Quality">Fitness of the face for recognition (docs/quality.md).</param>
public sealed record FaceResponse(FaceBoxResponse Box, float Confidence, FaceQuality? Quality = null)
{
    public static FaceResponse From(DetectedFace face) => new(FaceBoxResponse.From(face.Box), face.Confidence,
        face.Quality);
}

public sealed record DetectFacesRequest(string? Image);

public sealed record DetectFacesResponse(int FaceCount, IReadOnlyList<DetectedFaceResponse> Faces);

public sealed record DetectedFaceResponse(FaceBoxResponse Box, float Confidence, FaceLandmarksResponse? Landmarks,
    FaceQuality? Quality)
{
    public static DetectedFaceResponse From(DetectedFace face) => new(FaceBoxResponse.From(face.Box),
        face.Confidence, FaceLandmarksResponse.From(face.Landmarks), face.Quality);
}

/// <summary>The five landmarks as [x, y] pixels of the (EXIF-oriented) image.</summary>
public sealed record FaceLandmarksResponse(float[] LeftEye, float[] RightEye, float[] Nose, float[] MouthLeft,
    float[] MouthRight)
{
    public static FaceLandmarksResponse? From(float[][] points) =>
        points.Length == 5 ? new(points[0], points[1], points[2], points[3], points[4]) : null;
}

public sealed record IdentifyFacesResponse(int FaceCount, IReadOnlyList<IdentifiedFaceResponse> Faces)
{
    public static IdentifyFacesResponse From(Identification found) => new(found.FaceCount,
        [.. found.Faces.Select(f => IdentifiedFaceResponse.From(f, found.Threshold))]);
}

/// <param name="Matches">Best stored vectors first (up to topK, or topK identities with groupBy); empty when the
/// face is too poor to recognise.</param>
public sealed record IdentifiedFaceResponse(FaceBoxResponse Box, float Confidence, FaceQuality? Quality,
    IReadOnlyList<IdentityMatchResponse> Matches)
{
    public static IdentifiedFaceResponse From(IdentifiedFace face, double threshold) =>
        new(FaceBoxResponse.From(face.Face.Box), face.Face.Confidence, face.Face.Quality,
            [.. face.Matches.Select(h => IdentityMatchResponse.From(h, threshold))]);
}

public sealed record IdentityMatchResponse(string Id, float Score, bool IsMatch,
    IReadOnlyDictionary<string, string> Metadata)
{
    public static IdentityMatchResponse From(SearchHit hit, double threshold) =>
        new(hit.Id, hit.Score, hit.Score >= threshold, hit.Metadata);
}

/// <summary>Pixel box of a face in the (EXIF-oriented) image, rounded to whole pixels.</summary>
public sealed record FaceBoxResponse(int X, int Y, int Width, int Height)
{
    public static FaceBoxResponse From(FaceBox box) => new(
        (int)MathF.Round(box.X), (int)MathF.Round(box.Y), (int)MathF.Round(box.Width), (int)MathF.Round(box.Height));
}
