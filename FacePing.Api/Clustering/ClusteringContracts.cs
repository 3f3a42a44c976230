namespace FacePing.Api.Clustering;

/// <param name="Threshold">
/// Cosine similarity in [-1, 1] at which faces count as one person; default: the match threshold (isMatch).
/// </param>
/// <param name="MinClusterSize">Clusters smaller than this (at least 2, the default) are not listed or written.</param>
/// <param name="WriteMetadataKey">
/// A metadata key to set to each clustered vector's cluster id (and to remove from the group's other vectors).
/// </param>
public sealed record ClusterJobRequest(
    double? Threshold = null, int? MinClusterSize = null, string? WriteMetadataKey = null);

/// <summary>One cluster of <c>GET /jobs/{jobId}/clusters</c>: id 1 is the largest.</summary>
public sealed record ClusterResponse(int ClusterId, int Size, IReadOnlyList<string> Ids);
