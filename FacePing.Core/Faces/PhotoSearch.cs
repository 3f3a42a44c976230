using FacePing.Contracts.Inference;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;

namespace FacePing.Core.Faces;

/// <summary>One face of a stored photo: its vector id, its index among the photo's stored faces, the face.</summary>
public sealed record PhotoFace(string Id, int Index, DetectedFace Face);

/// <summary>A photo's faces stored under <see cref="PhotoId"/>, and the selection they came from.</summary>
public sealed record StoredPhoto(string PhotoId, FaceSelection Selection, IReadOnlyList<PhotoFace> Faces);

/// <summary>The photo of a folder import a selection's faces belong to.</summary>
public sealed record ImportedPhoto(string Source, string FileId, string FileName, string JobId);

/// <summary>
/// A page of photos found by a face: each row is the best-scoring face of one photo (<see cref="PhotoKey"/>), best
/// first; <see cref="More"/> when rows follow the page.
/// </summary>
public sealed record PhotoSearch(IReadOnlyList<SearchHit> Photos, bool More, double MinScore)
{
    /// <summary>
    /// The photo a stored face belongs to: its <c>photoId</c> metadata, else the face itself (stored alone).
    /// </summary>
    public static string PhotoKey(SearchHit hit) =>
        hit.Metadata.TryGetValue(SystemMetadata.PhotoId, out var photo) ? photo : hit.Id;

    /// <summary>
    /// The best hit of each photo among <paramref name="hits"/> (best first) scoring at least the bar.
    /// </summary>
    public static List<SearchHit> BestPerPhoto(IReadOnlyList<SearchHit> hits, double minScore)
    {
        var best = new List<SearchHit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hit in hits)
        {
            if (hit.Score < minScore) break;
            if (seen.Add(PhotoKey(hit))) best.Add(hit);
        }
        return best;
    }
}
