namespace FacePing.Client;

/// <summary>
/// A group of vectors (a collection): its size, and the dimension and model its first vector fixed.
/// <see cref="PendingIndex"/> vectors are searchable but not yet in the server's HNSW graph (0 once it caught up).
/// </summary>
public sealed record GroupInfo(string Name, DateTimeOffset CreatedAt, long VectorCount, int? Dimensions,
    string? Model, long PendingIndex = 0);

/// <summary>What <c>DELETE /groups/{g}/vectors</c> did: how many it deleted, and the ids that were not there.</summary>
public sealed record DeletedVectors(int Deleted, IReadOnlyList<string> NotFound);
