using FacePing.Contracts.Inference;
using FacePing.Core.Storage;

namespace FacePing.Core.Faces;

/// <summary>Two largest faces compared: cosine similarity, and whether it reaches the match threshold.</summary>
public sealed record FaceComparison(float Similarity, bool IsMatch, double Threshold, AcceptedFace First,
    AcceptedFace Second);

/// <summary>A face stored under <see cref="Id"/>.</summary>
public sealed record StoredFace(string Id, AcceptedFace Face);

/// <summary>
/// One face of an identified photo with its best matches (empty when the face is too poor to recognise); a match is
/// a hit at or above the threshold.
/// </summary>
public sealed record IdentifiedFace(DetectedFace Face, IReadOnlyList<SearchHit> Matches);

/// <summary>Every embedded face of a photo, largest first, searched in a group.</summary>
public sealed record Identification(int FaceCount, IReadOnlyList<IdentifiedFace> Faces, double Threshold);
