namespace FacePing.Core.Clustering;

/// <summary>
/// What a cluster job was asked (<c>POST /groups/{g}/cluster</c>), kept in its <see cref="Jobs.JobDefinition"/>.
/// </summary>
/// <param name="Threshold">Cosine similarity (the Api's match threshold unless the request gave one).</param>
/// <param name="MinClusterSize">Clusters smaller than this are neither listed nor written (at least 2).</param>
/// <param name="WriteMetadataKey">
/// When set, every clustered vector gets this metadata key set to its cluster id.
/// </param>
public sealed record ClusterRequest(double Threshold, int MinClusterSize, string? WriteMetadataKey);
