using FacePing.Core.Storage;

namespace FacePing.Api.Groups;

public sealed record GroupResponse(string Name, DateTime CreatedAt, long VectorCount, int? Dimensions, string? Model)
{
    public static GroupResponse From(GroupInfo g) =>
        new(g.Name, g.CreatedAt.UtcDateTime, g.VectorCount, g.Dimensions, g.Model);
}

public sealed record DeleteVectorsResponse(int Deleted, IReadOnlyList<string> NotFound);
