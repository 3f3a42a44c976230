using FacePing.Core.Jobs;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;

namespace FacePing.Core.Faces;

// Photos: storing the faces of a photo (one vector each, naming the photo) and finding photos by a face.
public sealed partial class FaceService
{
    /// <summary>Faces of one photo embedded and stored at most (<c>faces=all</c>), largest first.</summary>
    public const int MaxPhotoFaces = 100;

    /// <summary>
    /// The faces of a photo to store: the largest (<see cref="FaceChoice.Largest"/>), or every face up to
    /// <see cref="MaxPhotoFaces"/> that passes the quality bar and the configured face-size bar
    /// (<see cref="FaceMatchOptions.MinAllFaceSize"/>); the others are rejected with their reasons.
    /// </summary>
    public Task<FaceSelection> SelectToStoreAsync(FaceImage image, FaceChoice choice, double minQuality,
        CancellationToken cancellationToken = default) =>
        choice == FaceChoice.Largest
            ? SelectAsync(image, choice, minQuality, null, cancellationToken)
            : SelectAsync(image, choice, minQuality, MaxPhotoFaces, cancellationToken, _match.MinAllFaceSize);

    /// <summary>
    /// Stores every accepted face of an uploaded photo, one vector each, under a new photo id (all or none); throws
    /// like <see cref="StoreLargestAsync"/> when no face is accepted.
    /// </summary>
    public async Task<StoredPhoto> StorePhotoAsync(GroupHead group, FaceImage image,
        IReadOnlyDictionary<string, string> metadata, string source, double minQuality,
        CancellationToken cancellationToken = default)
    {
        var selection = await SelectToStoreAsync(image, FaceChoice.All, minQuality, cancellationToken);
        if (selection.Accepted.Count == 0) selection.Largest(Field(image)); // throws why there is none
        var photoId = Guid.CreateVersion7().ToString();
        var ids = await StoreAsync(group.Tenant, group.Name, selection, (embedding, i) =>
            new VectorWrite(embedding, metadata, source)
            {
                Photo = new FacePhoto(photoId, i, selection.Accepted[i].Box),
            }, cancellationToken);
        return new StoredPhoto(photoId, selection,
            [.. ids.Select((id, i) => new PhotoFace(id, i, selection.Accepted[i]))]);
    }

    /// <summary>
    /// Replaces the faces of a photo of a folder import with those of <paramref name="selection"/> (none when it
    /// accepted none): they are stored under ids derived from the photo and the face's index
    /// (<see cref="IngestedVectorId"/>), so a re-run rewrites the same vectors, and faces of an earlier run that this
    /// one no longer yields are deleted. Returns the stored ids.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReplaceImportedPhotoAsync(string tenant, string group,
        ImportedPhoto photo, FaceSelection selection, CancellationToken cancellationToken = default)
    {
        var photoId = IngestedVectorId.For(tenant, group, photo.Source, photo.FileId);
        var ids = await StoreAsync(tenant, group, selection, (embedding, i) =>
            new VectorWrite(embedding, null, photo.Source, IngestedVectorId.ForFace(photoId, i))
            {
                FileName = photo.FileName,
                FileId = photo.FileId,
                JobId = photo.JobId,
                Photo = new FacePhoto(photoId, i, selection.Accepted[i].Box),
            }, cancellationToken);
        // Stored after the new faces are, so a crash in between leaves extra faces a re-run removes, never none.
        var earlier = await store.FindByMetadataAsync(tenant, group,
            new Dictionary<string, string> { [SystemMetadata.PhotoId] = photoId }, 2 * MaxPhotoFaces,
            cancellationToken);
        var stale = earlier.Select(m => m.Id).Except(ids, StringComparer.Ordinal).ToList();
        // A photo imported before photo ids were recorded holds one face under the photo's own id.
        if (ids.Count == 0) stale.Add(photoId);
        if (stale.Count > 0) await store.DeleteVectorsAsync(tenant, group, stale, cancellationToken);
        return ids;
    }

    /// <summary>
    /// The photos the largest face of <paramref name="image"/> appears in: one row per photo (its best-scoring face)
    /// at or above <paramref name="minScore"/>, best first, skipping <paramref name="offset"/> rows. A face stored
    /// without a photo id (a plain <c>largest</c> store, a raw vector) is a photo of its own. Ranks at most
    /// <see cref="FaceStore.MaxGroupByVectors"/> faces.
    /// </summary>
    public async Task<PhotoSearch> SearchPhotosAsync(GroupHead group, FaceImage image, double minScore, int offset,
        int limit, CancellationToken cancellationToken = default)
    {
        var face = await LargestFaceAsync(image, 0, cancellationToken);
        FaceRules.RequireModel(group, face.Model);
        var wanted = offset + limit + 1; // one more than the page tells whether another follows
        for (var vectors = Math.Min(Math.Max(wanted * 4, 40), FaceStore.MaxGroupByVectors); ;
             vectors = Math.Min(vectors * 4, FaceStore.MaxGroupByVectors))
        {
            var hits = await store.SearchAsync(group, face.Embedding, vectors, null, cancellationToken);
            var photos = PhotoSearch.BestPerPhoto(hits, minScore);
            var exhausted = hits.Count < vectors || hits[^1].Score < minScore
                || vectors == FaceStore.MaxGroupByVectors;
            if (photos.Count >= wanted || exhausted)
                return new PhotoSearch([.. photos.Skip(offset).Take(limit)], photos.Count > offset + limit, minScore);
        }
    }
}
