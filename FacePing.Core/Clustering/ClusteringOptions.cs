using System.ComponentModel.DataAnnotations;

namespace FacePing.Core.Clustering;

/// <summary>
/// Section <c>FacePing:Clustering</c>, read by the Api (the size check up front) and the Ingestion worker (the job).
/// </summary>
public sealed class ClusteringOptions
{
    public const string Section = "FacePing:Clustering";

    /// <summary>
    /// Largest group a cluster job takes. The work grows with the square of the group (every pair is scored): 100k
    /// 640-d vectors take about 30 s of CPU (some 15 s of two free cores) and under 600 MB of worker memory
    /// (docs/clustering.md); 200k four times the CPU.
    /// </summary>
    [Range(2, 2_000_000)]
    public int MaxVectors { get; set; } = 200_000;

    /// <summary>k of the nearest-neighbour graph: 5–30 scored alike on LFW; 10 by default.</summary>
    [Range(1, 100)]
    public int Neighbours { get; set; } = ClusterSettings.DefaultNeighbours;

    /// <summary>Cores a job's neighbour search uses; 0 = all of them.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }
}
