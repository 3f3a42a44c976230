using FacePing.Client.Http;

namespace FacePing.Client;

/// <summary>
/// Photos: compare two faces, embed a face, detect every face, store a face in a group, search a group by face, and
/// identify every face of a photo. The single-face calls use the photo's largest whole, confident face.
/// </summary>
public sealed class FacesClient
{
    private readonly ApiConnection _api;

    internal FacesClient(ApiConnection api) => _api = api;

    /// <summary>How alike the largest faces of two photos are, with the API's match verdict.</summary>
    public async Task<FaceComparison> CompareAsync(FaceImage first, FaceImage second,
        CancellationToken cancellationToken = default) =>
        await _api.SendAsync(HttpMethod.Post, "faces/compare",
            await FormAsync(cancellationToken, ("Face1", first), ("Face2", second)), Call.Reading,
            FacePingJson.Default.FaceComparison, cancellationToken);

    /// <summary>The embedding of the photo's largest face.</summary>
    public async Task<GeneratedVector> GenerateVectorAsync(FaceImage image,
        CancellationToken cancellationToken = default) =>
        await _api.SendAsync(HttpMethod.Post, "vector/generate", await FormAsync(cancellationToken, ("image", image)),
            Call.Reading, FacePingJson.Default.GeneratedVector, cancellationToken);

    /// <summary>Every face of the photo with box, landmarks and quality, largest first; nothing is stored.</summary>
    public async Task<DetectedFaces> DetectAsync(FaceImage image, CancellationToken cancellationToken = default) =>
        await _api.SendAsync(HttpMethod.Post, "faces/detect", await FormAsync(cancellationToken, ("image", image)),
            Call.Reading, FacePingJson.Default.DetectedFaces, cancellationToken);

    /// <summary>Stores the photo's largest face in a group (with metadata such as the person's name).</summary>
    public async Task<StoredFace> StoreAsync(string groupName, FaceImage image, StoreFaceOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        // The multipart upload takes its metadata as ?metadata[key]=value, as the original service did.
        var query = (options?.Metadata ?? new Dictionary<string, string>())
            .Select(m => ($"metadata[{m.Key}]", (object?)m.Value))
            .Prepend(("minQuality", options?.MinQuality)).ToArray();
        return await _api.SendAsync(HttpMethod.Post, Paths.WithQuery($"groups/{Paths.Segment(groupName)}/face", query),
            await FormAsync(cancellationToken, ("image", image)), Call.Creating, FacePingJson.Default.StoredFace,
            cancellationToken);
    }

    /// <summary>
    /// Stores every face of the photo that passes the quality and size bars (<c>faces=all</c>), one vector each
    /// naming the photo, and tells which faces were not stored and why.
    /// </summary>
    public async Task<StoredPhoto> StorePhotoAsync(string groupName, FaceImage image,
        StoreFaceOptions? options = null, CancellationToken cancellationToken = default)
    {
        var query = (options?.Metadata ?? new Dictionary<string, string>())
            .Select(m => ($"metadata[{m.Key}]", (object?)m.Value))
            .Prepend(("minQuality", options?.MinQuality)).Prepend(("faces", (object?)FaceChoices.All)).ToArray();
        return await _api.SendAsync(HttpMethod.Post, Paths.WithQuery($"groups/{Paths.Segment(groupName)}/face", query),
            await FormAsync(cancellationToken, ("image", image)), Call.Creating, FacePingJson.Default.StoredPhoto,
            cancellationToken);
    }

    /// <summary>
    /// The photos the largest face of <paramref name="selfie"/> appears in, one row per photo (its best face), best
    /// first, a page at a time.
    /// </summary>
    public async Task<PhotoPage> SearchPhotosAsync(string groupName, FaceImage selfie,
        PhotoSearchOptions? options = null, CancellationToken cancellationToken = default) =>
        await _api.SendAsync(HttpMethod.Post,
            Paths.WithQuery($"groups/{Paths.Segment(groupName)}/photos/search", ("limit", options?.Limit),
                ("offset", options?.Offset), ("minScore", options?.MinScore)),
            await FormAsync(cancellationToken, ("queryImage", selfie)), Call.Reading,
            FacePingJson.Default.PhotoPage, cancellationToken);

    /// <summary>
    /// Stores the largest face of a base64 image (or a <c>data:</c> URL), for images that already are text.
    /// </summary>
    public Task<StoredFace> StoreBase64Async(string groupName, string base64Image, StoreFaceOptions? options = null,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"groups/{Paths.Segment(groupName)}/face/base64",
            Json.Content(new StoreFaceBase64Body(base64Image, options?.Metadata, options?.MinQuality),
                FacePingJson.Default.StoreFaceBase64Body),
            Call.Creating, FacePingJson.Default.StoredFace, cancellationToken);

    /// <summary>
    /// Stores every face of a base64 image (or a <c>data:</c> URL) that passes the quality and size bars
    /// (<c>faces=all</c>), as <see cref="StorePhotoAsync"/> does for an uploaded photo.
    /// </summary>
    public Task<StoredPhoto> StorePhotoBase64Async(string groupName, string base64Image,
        StoreFaceOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post,
            Paths.WithQuery($"groups/{Paths.Segment(groupName)}/face/base64", ("faces", FaceChoices.All)),
            Json.Content(new StoreFaceBase64Body(base64Image, options?.Metadata, options?.MinQuality),
                FacePingJson.Default.StoreFaceBase64Body),
            Call.Creating, FacePingJson.Default.StoredPhoto, cancellationToken);

    /// <summary>The stored faces most like the photo's largest face, best first.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string groupName, FaceImage image,
        FaceSearchOptions? options = null, CancellationToken cancellationToken = default) =>
        await _api.SendAsync(HttpMethod.Post,
            Paths.WithQuery($"groups/{Paths.Segment(groupName)}/faces/search", ("topK", options?.TopK),
                ("groupBy", options?.GroupBy)),
            await FormAsync(cancellationToken, ("queryImage", image)), Call.Reading,
            FacePingJson.Default.IReadOnlyListSearchHit, cancellationToken);

    /// <summary>Every face of the photo (largest first) searched in the group at once, each with its matches.</summary>
    public async Task<IdentifiedFaces> IdentifyAsync(string groupName, FaceImage image,
        IdentifyOptions? options = null, CancellationToken cancellationToken = default) =>
        await _api.SendAsync(HttpMethod.Post,
            Paths.WithQuery($"groups/{Paths.Segment(groupName)}/faces/identify", ("topK", options?.TopK),
                ("maxFaces", options?.MaxFaces), ("groupBy", options?.GroupBy)),
            await FormAsync(cancellationToken, ("image", image)), Call.Reading, FacePingJson.Default.IdentifiedFaces,
            cancellationToken);

    private static async Task<HttpContent> FormAsync(CancellationToken cancellationToken,
        params (string Field, FaceImage Image)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, image) in parts)
        {
            ArgumentNullException.ThrowIfNull(image, field);
            form.Add(await image.ToContentAsync(cancellationToken), field, image.FileName);
        }
        return form;
    }
}

internal sealed record StoreFaceBase64Body(string Base64Image, IReadOnlyDictionary<string, string>? Metadata,
    double? MinQuality);
