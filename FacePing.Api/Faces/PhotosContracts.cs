using FacePing.Core.Faces;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;

namespace FacePing.Api.Faces;

/// <summary>
/// What <c>POST /groups/{g}/face?faces=all</c> answers: the photo's id, every face stored (one vector each, with
/// <c>photoId</c>, <c>faceIndex</c> and <c>faceBox</c> metadata) and the faces detected but not stored, with why.
/// </summary>
public sealed record StoredPhotoResponse(string PhotoId, string GroupName, int FaceCount,
    IReadOnlyList<StoredPhotoFaceResponse> Faces, IReadOnlyList<RejectedFaceResponse> Rejected)
{
    public static StoredPhotoResponse From(StoredPhoto photo, string group) => new(photo.PhotoId, group,
        photo.Selection.FaceCount,
        [.. photo.Faces.Select(f => new StoredPhotoFaceResponse(f.Id, f.Index, FaceResponse.From(f.Face)))],
        [.. photo.Selection.Rejected.Select(r => new RejectedFaceResponse(FaceResponse.From(r.Face), r.Reasons))]);
}

/// <param name="Index">The face's place among the photo's stored faces, largest first.</param>
public sealed record StoredPhotoFaceResponse(string Id, int Index, FaceResponse Face);

/// <param name="Reasons">
/// Quality issues (small, blurry, dark, overexposed, pose, cut, uncertain; "quality" when the score is low without
/// one clear cause), "small" under the face-size bar, or "not-embedded".
/// </param>
public sealed record RejectedFaceResponse(FaceResponse Face, IReadOnlyList<string> Reasons);

/// <summary>
/// A page of photos found by a face, best first; <see cref="NextOffset"/> is the <c>offset</c> of the next page, null
/// on the last one.
/// </summary>
public sealed record PhotoSearchResponse(IReadOnlyList<PhotoHitResponse> Photos, double MinScore, int? NextOffset)
{
    public static PhotoSearchResponse From(PhotoSearch found, double threshold, int offset) => new(
        [.. found.Photos.Select(h => PhotoHitResponse.From(h, threshold))], found.MinScore,
        found.More ? offset + found.Photos.Count : null);
}

/// <summary>
/// One photo and its face most similar to the query. A face stored without a photo (<c>largest</c>, raw vectors) is
/// its own photo: <see cref="PhotoId"/> is its vector id and <see cref="FaceIndex"/> and <see cref="Box"/> are null.
/// </summary>
/// <param name="FaceId">The vector id of the photo's best face.</param>
/// <param name="IsMatch">Whether the score reaches the match threshold.</param>
/// <param name="Metadata">The best face's metadata (fileName, fileId, source, the client's keys…).</param>
public sealed record PhotoHitResponse(string PhotoId, string? FileName, string? FileId, string FaceId,
    int? FaceIndex, FaceBoxResponse? Box, float Score, bool IsMatch, IReadOnlyDictionary<string, string> Metadata)
{
    public static PhotoHitResponse From(SearchHit hit, double threshold)
    {
        var meta = hit.Metadata;
        var box = FacePhoto.ParseBox(meta.GetValueOrDefault(SystemMetadata.FaceBox));
        return new PhotoHitResponse(PhotoSearch.PhotoKey(hit), meta.GetValueOrDefault(SystemMetadata.FileName),
            meta.GetValueOrDefault(SystemMetadata.FileId), hit.Id,
            int.TryParse(meta.GetValueOrDefault(SystemMetadata.FaceIndex), out var index) ? index : null,
            box is null ? null : new FaceBoxResponse(box[0], box[1], box[2], box[3]), hit.Score, hit.Score >= threshold,
            meta);
    }
}
