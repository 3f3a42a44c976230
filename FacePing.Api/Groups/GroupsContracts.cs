using FacePing.Core.Storage;

namespace FacePing.Api.Groups;

public sealed record GroupResponse(string Name, DateTimeOffset CreatedAt, long VectorCount, int? Dimensions)
{
    public static GroupResponse From(GroupInfo g) => new(g.Name, g.CreatedAt, g.VectorCount, g.Dimensions);
}

public sealed record DeleteVectorsResponse(int Deleted, IReadOnlyList<string> NotFound);
