using FacePing.Contracts.Inference;
using FacePing.Core.Inference;
using FacePing.Core.Storage;
using FacePing.Core.Vectors;
using Microsoft.Extensions.Options;

namespace FacePing.Core.Faces;

/// <summary>
/// What the Api's endpoints and the ingestion worker do with faces, in one place: analyse a photo (the Inference
/// service), choose and accept its faces (<see cref="FaceRules"/>: the choice, the quality bar, the model check), then
/// compare, store, search or identify them (<see cref="FaceStore"/>). A request that searches reads its group once
/// (<see cref="OpenGroupAsync"/>, before any image work, so a typo in the group name costs no inference).
/// It throws only domain exceptions, which the callers map: <see cref="NoFaceException"/>,
/// <see cref="LowQualityException"/>, <see cref="ImageRejectedException"/> naming the request field,
/// <see cref="InferenceUnavailableException"/>, and the store's (group not found, model or dimension mismatch, Redis).
/// </summary>
public sealed partial class FaceService(InferenceClient inference, FaceStore store, IOptions<FaceMatchOptions> options)
{
    private readonly FaceMatchOptions _match = options.Value;

    /// <summary>Two faces are the same person when their cosine similarity is at least this.</summary>
    public double Threshold => _match.Threshold;

    /// <summary>The photo's faces, chosen and judged by the face rules.</summary>
    /// <param name="minQuality">The quality bar (0 = none).</param>
    /// <param name="maxFaces">With <see cref="FaceChoice.All"/>: embed at most this many faces, largest first.</param>
    /// <param name="minFaceSize">With <see cref="FaceChoice.All"/>: the face-size bar in pixels (0 = none).</param>
    public async Task<FaceSelection> SelectAsync(FaceImage image, FaceChoice choice, double minQuality,
        int? maxFaces = null, CancellationToken cancellationToken = default, int minFaceSize = 0)
    {
        var analysis = choice == FaceChoice.Largest
            ? await AnalyzeAsync(image, EmbedMode.Largest, null, cancellationToken)
            : await AnalyzeAsync(image, EmbedMode.All, maxFaces, cancellationToken);
        return FaceRules.Select(analysis, choice, minQuality, minFaceSize);
    }

    /// <summary>
    /// The photo's largest usable face; <see cref="NoFaceException"/> without one, <see cref="LowQualityException"/>
    /// when it is under <paramref name="minQuality"/>.
    /// </summary>
    public async Task<AcceptedFace> LargestFaceAsync(FaceImage image, double minQuality = 0,
        CancellationToken cancellationToken = default) =>
        (await SelectAsync(image, FaceChoice.Largest, minQuality, null, cancellationToken)).Largest(Field(image));

    /// <summary>Every face with landmarks and quality, largest first; nothing embedded.</summary>
    public async Task<FaceAnalysis> DetectAsync(FaceImage image, CancellationToken cancellationToken = default)
    {
        var analysis = await AnalyzeAsync(image, EmbedMode.None, null, cancellationToken);
        return analysis with { Faces = [.. FaceRules.LargestFirst(analysis.Faces)] };
    }

    /// <summary>The largest faces of two photos compared against the match threshold.</summary>
    public async Task<FaceComparison> CompareAsync(FaceImage first, FaceImage second,
        CancellationToken cancellationToken = default)
    {
        var faces = await Task.WhenAll(LargestFaceAsync(first, 0, cancellationToken),
            LargestFaceAsync(second, 0, cancellationToken));
        var similarity = VectorMath.Cosine(faces[0].Embedding, faces[1].Embedding);
        return new FaceComparison(similarity, similarity >= Threshold, Threshold, faces[0], faces[1]);
    }

    /// <summary>
    /// The group a request works on, read once; <see cref="GroupNotFoundException"/> when it is missing.
    /// </summary>
    public async Task<GroupHead> OpenGroupAsync(string tenant, string group,
        CancellationToken cancellationToken = default) =>
        await store.GetGroupHeadAsync(tenant, group, cancellationToken) ?? throw new GroupNotFoundException(group);

    /// <summary>The enrolment quality bar: the request's own, else the configured one.</summary>
    public double EnrolmentBar(double? requested) => _match.EnrolmentBar(requested);

    /// <summary>
    /// The quality bar of storing a photo's largest face or every face (<see cref="FaceMatchOptions"/>).
    /// </summary>
    public double EnrolmentBar(FaceChoice choice, double? requested) => _match.EnrolmentBar(choice, requested);

    /// <summary>
    /// Stores the photo's largest face (under the bar: <see cref="LowQualityException"/>) with client metadata.
    /// The store's write checks the group again, atomically: deleted meanwhile, another model's or length's
    /// vectors throw.
    /// </summary>
    public async Task<StoredFace> StoreLargestAsync(GroupHead group, FaceImage image,
        IReadOnlyDictionary<string, string> metadata, string source, double minQuality,
        CancellationToken cancellationToken = default)
    {
        var face = await LargestFaceAsync(image, minQuality, cancellationToken);
        var id = await store.AddAsync(group.Tenant, group.Name, new VectorWrite(face.Embedding, metadata, source),
            face.Model, cancellationToken);
        return new StoredFace(id, face);
    }

    /// <summary>
    /// Stores the accepted faces of <paramref name="selection"/>, one vector each, all or none (nothing when none was
    /// accepted); <paramref name="write"/> makes a face's write (its id and system metadata) from its index among the
    /// accepted faces. Returns the ids.
    /// </summary>
    public async Task<IReadOnlyList<string>> StoreAsync(string tenant, string group, FaceSelection selection,
        Func<float[], int, VectorWrite> write, CancellationToken cancellationToken = default)
    {
        if (selection.Accepted.Count == 0) return [];
        var writes = selection.Accepted.Select((face, i) => write(face.Embedding!, i)).ToArray();
        return await store.UpsertAsync(tenant, group, writes, selection.Model, cancellationToken);
    }

    /// <summary>
    /// The stored faces most similar to the photo's largest face, best first (one per identity with
    /// <paramref name="groupBy"/>).
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(GroupHead group, FaceImage image, int topK,
        string? groupBy, CancellationToken cancellationToken = default)
    {
        var face = await LargestFaceAsync(image, 0, cancellationToken);
        FaceRules.RequireModel(group, face.Model);
        return await store.SearchAsync(group, face.Embedding, topK, groupBy, cancellationToken);
    }

    /// <summary>
    /// Every face of the photo (largest first, up to <paramref name="maxFaces"/> embedded) searched in the group;
    /// faces under the identify quality bar are listed without searching.
    /// </summary>
    public async Task<Identification> IdentifyAsync(GroupHead group, FaceImage image, int topK, int maxFaces,
        string? groupBy, CancellationToken cancellationToken = default)
    {
        // One Inference call embeds every face needed (side by side there); the searches then go out together.
        var analysis = await AnalyzeAsync(image, EmbedMode.All, maxFaces, cancellationToken);
        FaceRules.RequireModel(group, analysis.Model);
        var selection = FaceRules.Select(analysis, FaceChoice.All, _match.MinIdentifyQuality);
        var searched = new HashSet<DetectedFace>(selection.Accepted, ReferenceEqualityComparer.Instance);
        var faces = FaceRules.LargestFirst(analysis.Faces.Where(f => f.Embedding is not null)).ToArray();
        var hits = await Task.WhenAll(faces.Select(f => searched.Contains(f)
            ? store.SearchAsync(group, f.Embedding!, topK, groupBy, cancellationToken)
            : Task.FromResult<IReadOnlyList<SearchHit>>([])));
        return new Identification(analysis.FaceCount, [.. faces.Select((f, i) => new IdentifiedFace(f, hits[i]))],
            Threshold);
    }

    private async Task<FaceAnalysis> AnalyzeAsync(FaceImage image, EmbedMode embed, int? maxEmbedded,
        CancellationToken cancellationToken)
    {
        try
        {
            return await inference.AnalyzeAsync(image.Bytes, embed, maxEmbedded, cancellationToken);
        }
        catch (ImageRejectedException ex) when (ex.Field is null && image.Field is { } field)
        {
            throw ex.ForField(field);
        }
    }

    private static string Field(FaceImage image) => image.Field ?? "image";
}
