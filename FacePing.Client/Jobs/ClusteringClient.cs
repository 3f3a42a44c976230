using FacePing.Client.Http;

namespace FacePing.Client;

/// <summary>Clustering: group a group's vectors into people (a job), then page through its clusters.</summary>
public sealed class ClusteringClient
{
    private readonly ApiConnection _api;

    internal ClusteringClient(ApiConnection api) => _api = api;

    /// <summary>Starts a cluster job; wait for it with <c>Jobs.WaitAsync</c>.</summary>
    public Task<JobAccepted> StartAsync(string groupName, ClusterOptions? options = null,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"groups/{Paths.Segment(groupName)}/cluster",
            Json.Content(options ?? new ClusterOptions(), FacePingJson.Default.ClusterOptions), Call.Creating,
            FacePingJson.Default.JobAccepted, cancellationToken);

    /// <summary>
    /// One page of a completed cluster job's clusters, largest first; pass the last clusterId as
    /// <paramref name="after"/> for the next page (409 while the job has not completed).
    /// </summary>
    public Task<IReadOnlyList<FaceCluster>> ListClustersAsync(string jobId, int? limit = null, int? after = null,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get,
            Paths.WithQuery($"jobs/{Paths.Segment(jobId)}/clusters", ("limit", limit), ("after", after)), null,
            Call.Reading, FacePingJson.Default.IReadOnlyListFaceCluster, cancellationToken);
}
