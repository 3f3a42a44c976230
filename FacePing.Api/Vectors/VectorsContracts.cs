using System.Text.Json;
using FacePing.Core.Storage;

namespace FacePing.Api.Vectors;

public sealed record CompareVectorsRequest(string? Embedding1, string? Embedding2);

public sealed record CompareVectorsResponse(float Similarity, float Distance, int Dimensions);

public sealed record StoreVectorRequest(string? VectorString, JsonElement? Metadata = null);

public sealed record StoredVectorResponse(string Id, string GroupName);

public sealed record VectorResponse(string Id, string GroupName, string VectorString, int Dimensions,
    IReadOnlyDictionary<string, string> Metadata);

/// <param name="GroupBy">
/// A metadata key: one hit per distinct value (a person enrolled with many photos appears once).
/// </param>
public sealed record SearchVectorsRequest(string? VectorString, int? TopK = null, JsonElement? Metadata = null,
    string? GroupBy = null);

public sealed record SearchHitResponse(string Id, float Score, IReadOnlyDictionary<string, string> Metadata)
{
    public static SearchHitResponse From(SearchHit hit) => new(hit.Id, hit.Score, hit.Metadata);
}

public sealed record MetadataSearchRequest(JsonElement? Metadata = null);

public sealed record MetadataMatchResponse(string Id, string GroupName, IReadOnlyDictionary<string, string> Metadata);

public sealed record UpsertVectorsRequest(IReadOnlyList<UpsertItem?>? Vectors);

public sealed record UpsertItem(string? VectorString, JsonElement? Metadata = null, string? Id = null);

public sealed record UpsertVectorsResponse(IReadOnlyList<string> Ids);
