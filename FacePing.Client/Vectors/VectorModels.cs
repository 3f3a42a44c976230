namespace FacePing.Client;

/// <summary>Where a stored vector went: its id (generated unless given) and group.</summary>
public sealed record CreatedVector(string Id, string GroupName);

/// <summary>A stored vector with its metadata (values as their canonical strings, system keys included).</summary>
public sealed record StoredVector(string Id, string GroupName, string VectorString, int Dimensions,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The vector's numbers.</summary>
    public float[] ToArray() => VectorText.Parse(VectorString);
}

/// <summary>Cosine similarity and Euclidean distance of two vectors.</summary>
public sealed record VectorComparison(float Similarity, float Distance, int Dimensions);

/// <summary>A stored vector found by a search, best first, with its exact cosine similarity.</summary>
public sealed record SearchHit(string Id, float Score, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A stored vector whose metadata matched every pair of a metadata search.</summary>
public sealed record MetadataMatch(string Id, string GroupName, IReadOnlyDictionary<string, string> Metadata);

/// <summary>One vector of an upsert: an id to replace or keep (else the server makes one) and its metadata.</summary>
public sealed record VectorUpsert(ReadOnlyMemory<float> Vector, IReadOnlyDictionary<string, string>? Metadata = null,
    string? Id = null);

/// <summary>Options of a similarity search in a group.</summary>
public sealed record VectorSearchOptions
{
    /// <summary>How many hits (1–40; the API's default is 10).</summary>
    public int? TopK { get; init; }

    /// <summary>Only vectors whose metadata has every one of these pairs.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>A metadata key: one hit per distinct value (a person enrolled with many photos appears once).</summary>
    public string? GroupBy { get; init; }
}
