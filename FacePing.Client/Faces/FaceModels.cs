namespace FacePing.Client;

/// <summary>Pixel box of a face in the (EXIF-oriented) photo.</summary>
public sealed record FaceBox(int X, int Y, int Width, int Height);

/// <summary>How fit a face is for recognition (score 0–1), and why not when it is not (<see cref="Issues"/>).</summary>
public sealed record FaceQuality(float Score, int FaceSize, float Sharpness, float Brightness, float Yaw, float Pitch,
    float Roll, IReadOnlyList<string> Issues);

/// <summary>The five landmarks as [x, y] pixels of the (EXIF-oriented) photo.</summary>
public sealed record FaceLandmarks(float[] LeftEye, float[] RightEye, float[] Nose, float[] MouthLeft,
    float[] MouthRight);

/// <summary>The face the API used: its box, detector confidence and quality.</summary>
public sealed record FaceSummary(FaceBox Box, float Confidence, FaceQuality? Quality = null);

/// <summary>The largest face of one photo of a comparison, and how many faces that photo had.</summary>
public sealed record ComparedFace(FaceBox Box, float Confidence, int FaceCount);

/// <summary>How alike the largest faces of two photos are; <see cref="IsMatch"/> is similarity ≥ threshold.</summary>
public sealed record FaceComparison(float Similarity, bool IsMatch, double Threshold, ComparedFace Face1,
    ComparedFace Face2);

/// <summary>The embedding of a photo's largest face.</summary>
public sealed record GeneratedVector(string Embedding, int Dimensions, string Model, FaceSummary Face, int FaceCount)
{
    /// <summary>The embedding's numbers.</summary>
    public float[] ToArray() => VectorText.Parse(Embedding);
}

/// <summary>A face stored in a group: the vector's id, and the face that was used.</summary>
public sealed record StoredFace(string Id, string GroupName, FaceSummary Face, int FaceCount);

/// <summary>Every face of a photo, largest first.</summary>
public sealed record DetectedFaces(int FaceCount, IReadOnlyList<DetectedFace> Faces);

/// <summary>One detected face.</summary>
public sealed record DetectedFace(FaceBox Box, float Confidence, FaceLandmarks? Landmarks, FaceQuality? Quality);

/// <summary>Every face of a photo searched in a group.</summary>
public sealed record IdentifiedFaces(int FaceCount, IReadOnlyList<IdentifiedFace> Faces);

/// <summary>One face of a photo and its matches, best first (none when it is too poor to recognise).</summary>
public sealed record IdentifiedFace(FaceBox Box, float Confidence, FaceQuality? Quality,
    IReadOnlyList<IdentityMatch> Matches);

/// <summary>A stored vector matched to a face; <see cref="IsMatch"/> is score ≥ the match threshold.</summary>
public sealed record IdentityMatch(string Id, float Score, bool IsMatch, IReadOnlyDictionary<string, string> Metadata);

/// <summary>Options of storing a face.</summary>
public sealed record StoreFaceOptions
{
    /// <summary>Metadata of the stored vector (e.g. <c>name</c>); system keys are refused.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>A face below this quality (0–1) is refused with 422 and the reasons.</summary>
    public double? MinQuality { get; init; }
}

/// <summary>Options of a search by face.</summary>
public sealed record FaceSearchOptions
{
    /// <summary>How many hits (1–40; the API's default is 10).</summary>
    public int? TopK { get; init; }

    /// <summary>A metadata key: one hit per distinct value (e.g. <c>name</c>: one row per person).</summary>
    public string? GroupBy { get; init; }
}

/// <summary>Options of identifying every face of a photo.</summary>
public sealed record IdentifyOptions
{
    /// <summary>Matches per face (1–10; the API's default is 1).</summary>
    public int? TopK { get; init; }

    /// <summary>Faces searched, largest first (1–100; the API's default is 20).</summary>
    public int? MaxFaces { get; init; }

    /// <summary>A metadata key: one match per distinct value.</summary>
    public string? GroupBy { get; init; }
}

/// <summary>
/// Every face of a photo stored (one vector each, with <c>photoId</c>, <c>faceIndex</c> and <c>faceBox</c> metadata),
/// and the faces detected but not stored, with why.
/// </summary>
public sealed record StoredPhoto(string PhotoId, string GroupName, int FaceCount,
    IReadOnlyList<StoredPhotoFace> Faces, IReadOnlyList<RejectedFace> Rejected);

/// <summary>One stored face of a photo: its vector id and its index among the photo's stored faces.</summary>
public sealed record StoredPhotoFace(string Id, int Index, FaceSummary Face);

/// <summary>A face that was not stored, and why (quality issues, <c>small</c>, <c>not-embedded</c>).</summary>
public sealed record RejectedFace(FaceSummary Face, IReadOnlyList<string> Reasons);

/// <summary>A page of photos found by a face, best first; <see cref="NextOffset"/> is null on the last page.</summary>
public sealed record PhotoPage(IReadOnlyList<PhotoHit> Photos, double MinScore, int? NextOffset);

/// <summary>
/// One photo and its face most like the query. A face stored alone (without a photo) is its own photo: then
/// <see cref="PhotoId"/> is its vector id, and <see cref="FaceIndex"/> and <see cref="Box"/> are null.
/// </summary>
public sealed record PhotoHit(string PhotoId, string? FileName, string? FileId, string FaceId, int? FaceIndex,
    FaceBox? Box, float Score, bool IsMatch, IReadOnlyDictionary<string, string> Metadata);

/// <summary>Options of a search for photos by face.</summary>
public sealed record PhotoSearchOptions
{
    /// <summary>Photos per page (1–100; the API's default is 20).</summary>
    public int? Limit { get; init; }

    /// <summary>Rows to skip: the previous page's <see cref="PhotoPage.NextOffset"/>.</summary>
    public int? Offset { get; init; }

    /// <summary>The lowest score of a row (−1–1; the API's default is its match threshold).</summary>
    public double? MinScore { get; init; }
}
