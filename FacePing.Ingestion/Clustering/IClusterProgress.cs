using FacePing.Core.Clustering;

namespace FacePing.Ingestion.Clustering;

/// <summary>
/// Where a running cluster job's progress goes: the job's <c>processed</c> count, which <c>GET /jobs/{id}</c> shows. An
/// interface so the worker's pacing is testable (a test can watch or slow the steps).
/// </summary>
public interface IClusterProgress
{
    /// <summary>Called between steps of the neighbour search, awaited before the next step.</summary>
    Task ReportAsync(string tenant, string jobId, int processed, CancellationToken cancellationToken);
}

/// <summary>Progress into the job's hash.</summary>
public sealed class JobHashProgress(ClusterResults results) : IClusterProgress
{
    public Task ReportAsync(string tenant, string jobId, int processed, CancellationToken cancellationToken) =>
        results.ReportProgressAsync(tenant, jobId, processed);
}
