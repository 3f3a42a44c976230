using FacePing.Client.Http;

namespace FacePing.Client;

/// <summary>Groups: create, list, delete, and page through or delete the vectors of one.</summary>
public sealed class GroupsClient
{
    private readonly ApiConnection _api;

    internal GroupsClient(ApiConnection api) => _api = api;

    /// <summary>Creates an empty group (409 if it exists).</summary>
    public Task<GroupInfo> CreateAsync(string groupName, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"groups/{Paths.Segment(groupName)}", null, Call.Creating,
            FacePingJson.Default.GroupInfo, cancellationToken);

    /// <summary>The tenant's groups, ordered by name.</summary>
    public Task<IReadOnlyList<GroupInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, "groups", null, Call.Reading, FacePingJson.Default.IReadOnlyListGroupInfo,
            cancellationToken);

    /// <summary>Deletes a group with all its vectors (404 if there is none).</summary>
    public Task DeleteAsync(string groupName, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, $"groups/{Paths.Segment(groupName)}", null, Call.Reading,
            cancellationToken);

    /// <summary>
    /// One page of the group's vector ids in id order; pass the last id as <paramref name="after"/> for the next.
    /// </summary>
    public Task<IReadOnlyList<string>> ListVectorIdsAsync(string groupName, int? limit = null, string? after = null,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get,
            Paths.WithQuery($"groups/{Paths.Segment(groupName)}/vectors", ("limit", limit), ("after", after)), null,
            Call.Reading, FacePingJson.Default.IReadOnlyListString, cancellationToken);

    /// <summary>Every vector id of the group, page by page.</summary>
    public async IAsyncEnumerable<string> ListAllVectorIdsAsync(string groupName, int pageSize = 1000,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        while (true)
        {
            var page = await ListVectorIdsAsync(groupName, pageSize, after, cancellationToken);
            foreach (var id in page) yield return id;
            if (page.Count < pageSize) yield break;
            after = page[^1];
        }
    }

    /// <summary>Deletes vectors of the group by id (1–1000 ids).</summary>
    public Task<DeletedVectors> DeleteVectorsAsync(string groupName, IEnumerable<string> ids,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, $"groups/{Paths.Segment(groupName)}/vectors",
            Json.Content(ids.ToArray(), FacePingJson.Default.StringArray), Call.Reading,
            FacePingJson.Default.DeletedVectors, cancellationToken);
}
