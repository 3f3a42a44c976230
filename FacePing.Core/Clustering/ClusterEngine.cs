namespace FacePing.Core.Clustering;

/// <summary>
/// How clusters are formed from the neighbour graph (the benchmark compares them; jobs use the first).
/// </summary>
public enum ClusterMethod
{
    /// <summary>Average linkage over neighbour edges (<see cref="Clusterer.AverageLinkage"/>).</summary>
    AverageLinkage,

    /// <summary>Connected components of mutual-neighbour edges (<see cref="Clusterer.MutualComponents"/>).</summary>
    MutualComponents,
}

/// <param name="Threshold">Cosine similarity at which two faces count as the same person.</param>
/// <param name="MinClusterSize">Smaller clusters are not returned.</param>
/// <param name="Neighbours">k of the nearest-neighbour graph.</param>
/// <param name="Threads">Cores the all-pairs search uses.</param>
public sealed record ClusterSettings(float Threshold, int MinClusterSize,
    int Neighbours = ClusterSettings.DefaultNeighbours, int Threads = 0,
    ClusterMethod Method = ClusterMethod.AverageLinkage)
{
    public const int DefaultNeighbours = 10;
}

/// <summary>What clustering jobs and the benchmark both run: the neighbour graph, then the clusters.</summary>
public static class ClusterEngine
{
    /// <summary>
    /// Clusters of <paramref name="count"/> vectors (<paramref name="dimensions"/> floats each, one after another), as
    /// ascending index arrays, largest first (ties: lowest first index), only those of at least
    /// <see cref="ClusterSettings.MinClusterSize"/>.
    /// </summary>
    /// <param name="progress">Share of the neighbour search done (0–1), awaited between steps.</param>
    public static async Task<List<int[]>> RunAsync(float[] vectors, int count, int dimensions, ClusterSettings settings,
        Func<double, CancellationToken, Task>? progress, CancellationToken cancellationToken)
    {
        var threads = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount;
        var graph = await NeighbourSearch.FindAsync(vectors, count, dimensions, settings.Neighbours, threads, progress,
            cancellationToken: cancellationToken);
        return Cluster(vectors, dimensions, graph, settings);
    }

    /// <summary>The clusters of a graph already built (the benchmark tries several settings on one graph).</summary>
    public static List<int[]> Cluster(float[] vectors, int dimensions, Neighbours graph, ClusterSettings settings) =>
        settings.Method switch
        {
            ClusterMethod.MutualComponents =>
                Clusterer.MutualComponents(graph, settings.Threshold, settings.MinClusterSize),
            _ => Clusterer.AverageLinkage(vectors, dimensions, graph, settings.Threshold, settings.MinClusterSize),
        };
}
