using FacePing.Core.Storage;

namespace FacePing.Api.Groups;

/// <param name="PendingIndex">
/// Vectors stored and searchable (exactly) but not yet in the group's HNSW graph, which is built behind the writes;
/// 0 once it has caught up.
/// </param>
public sealed record GroupResponse(string Name, DateTime CreatedAt, long VectorCount, int? Dimensions, string? Model,
    long PendingIndex)
{
    public static GroupResponse From(GroupInfo g) =>
        new(g.Name, g.CreatedAt.UtcDateTime, g.VectorCount, g.Dimensions, g.Model, g.PendingIndex);
}

public sealed record DeleteVectorsResponse(int Deleted, IReadOnlyList<string> NotFound);
