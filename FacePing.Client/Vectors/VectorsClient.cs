using FacePing.Client.Http;

namespace FacePing.Client;

/// <summary>Raw vectors: store, upsert, fetch, search by similarity or by metadata, compare.</summary>
public sealed class VectorsClient
{
    private readonly ApiConnection _api;

    internal VectorsClient(ApiConnection api) => _api = api;

    /// <summary>Stores one vector in a group; the group's first vector fixes its dimension.</summary>
    public Task<CreatedVector> StoreAsync(string groupName, ReadOnlyMemory<float> vector,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"groups/{Paths.Segment(groupName)}/vector",
            Json.Content(new StoreVectorBody(VectorText.Format(vector.Span), metadata),
                FacePingJson.Default.StoreVectorBody),
            Call.Creating, FacePingJson.Default.CreatedVector, cancellationToken);

    /// <summary>
    /// Stores or replaces 1–100 vectors atomically (any invalid item rejects them all); returns their ids in order.
    /// </summary>
    public async Task<IReadOnlyList<string>> UpsertAsync(string groupName, IEnumerable<VectorUpsert> vectors,
        CancellationToken cancellationToken = default)
    {
        var body = new UpsertBody([.. vectors.Select(v =>
            new UpsertBodyItem(VectorText.Format(v.Vector.Span), v.Metadata, v.Id))]);
        var answer = await _api.SendAsync(HttpMethod.Post, $"groups/{Paths.Segment(groupName)}/vectors/upsert",
            Json.Content(body, FacePingJson.Default.UpsertBody), Call.Creating, FacePingJson.Default.UpsertAnswer,
            cancellationToken);
        return answer.Ids;
    }

    /// <summary>A stored vector with its metadata (404 if there is none).</summary>
    public Task<StoredVector> GetAsync(string vectorId, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, $"vectors/{Paths.Segment(vectorId)}", null, Call.Reading,
            FacePingJson.Default.StoredVector, cancellationToken);

    /// <summary>The stored vectors of a group most similar to <paramref name="vector"/>, best first.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(string groupName, ReadOnlyMemory<float> vector,
        VectorSearchOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"groups/{Paths.Segment(groupName)}/vectors/search",
            Json.Content(new SearchVectorsBody(VectorText.Format(vector.Span), options?.TopK, options?.Metadata,
                options?.GroupBy), FacePingJson.Default.SearchVectorsBody),
            Call.Reading, FacePingJson.Default.IReadOnlyListSearchHit, cancellationToken);

    /// <summary>
    /// Vectors whose metadata has every given pair, across the tenant's groups or in <paramref name="groupName"/>.
    /// </summary>
    public Task<IReadOnlyList<MetadataMatch>> FindByMetadataAsync(IReadOnlyDictionary<string, string> metadata,
        string? groupName = null, int? limit = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post,
            Paths.WithQuery("vectors/search", ("groupName", groupName), ("limit", limit)),
            Json.Content(new MetadataSearchBody(metadata), FacePingJson.Default.MetadataSearchBody), Call.Reading,
            FacePingJson.Default.IReadOnlyListMetadataMatch, cancellationToken);

    /// <summary>Cosine similarity and Euclidean distance of two vectors of the same length.</summary>
    public Task<VectorComparison> CompareAsync(ReadOnlyMemory<float> first, ReadOnlyMemory<float> second,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, "vectors/compare",
            Json.Content(new CompareVectorsBody(VectorText.Format(first.Span), VectorText.Format(second.Span)),
                FacePingJson.Default.CompareVectorsBody),
            Call.Reading, FacePingJson.Default.VectorComparison, cancellationToken);
}

internal sealed record StoreVectorBody(string VectorString, IReadOnlyDictionary<string, string>? Metadata);

internal sealed record UpsertBody(IReadOnlyList<UpsertBodyItem> Vectors);

internal sealed record UpsertBodyItem(string VectorString, IReadOnlyDictionary<string, string>? Metadata, string? Id);

internal sealed record UpsertAnswer(IReadOnlyList<string> Ids);

internal sealed record SearchVectorsBody(string VectorString, int? TopK,
    IReadOnlyDictionary<string, string>? Metadata, string? GroupBy);

internal sealed record MetadataSearchBody(IReadOnlyDictionary<string, string> Metadata);

internal sealed record CompareVectorsBody(string Embedding1, string Embedding2);
