using System.Diagnostics;
using FacePing.Core.Clustering;
using FacePing.Core.Jobs;
using FacePing.Core.Storage;
using Microsoft.Extensions.Options;

namespace FacePing.Ingestion.Clustering;

/// <summary>
/// Runs a cluster job: reads the group's vectors from Redis, finds every vector's nearest neighbours and the clusters
/// (<see cref="ClusterEngine"/>), stores the clusters with the job and, when asked, writes each clustered vector's
/// cluster id into its metadata. <c>processed</c> counts vectors whose neighbours are known, in proportion to the pairs
/// scored. A job run again after a crash starts over and writes the same result.
/// </summary>
public sealed partial class ClusterJobRunner(
    FaceStore store,
    JobStore jobs,
    ClusterResults results,
    IClusterProgress progress,
    IOptions<ClusteringOptions> options,
    ILogger<ClusterJobRunner> logger)
{
    private readonly ClusteringOptions _options = options.Value;

    public async Task<(string Status, string? Error)> RunAsync(JobDefinition job, Activity? activity,
        CancellationToken cancellationToken)
    {
        if (job.Cluster is not { } request)
            return (JobStatus.Failed, "The job does not say how to cluster; submit it again.");
        var (tenant, jobId, group) = (job.Tenant, job.JobId, job.GroupName);
        var clock = Stopwatch.StartNew();

        var info = await store.GetGroupAsync(tenant, group, cancellationToken);
        if (info is null) return (JobStatus.Failed, $"Group '{group}' no longer exists.");
        if (info.VectorCount > _options.MaxVectors)
            return (JobStatus.Failed, TooLarge(group, info.VectorCount, _options.MaxVectors));
        await jobs.MarkRunningAsync(tenant, jobId, (int)info.VectorCount);
        await progress.ReportAsync(tenant, jobId, 0, cancellationToken);

        GroupVectors vectors;
        try
        {
            vectors = await store.ReadGroupVectorsAsync(tenant, group, cancellationToken);
        }
        catch (GroupNotFoundException)
        {
            return (JobStatus.Failed, $"Group '{group}' was deleted during the clustering.");
        }
        if (vectors.Count > _options.MaxVectors)
            return (JobStatus.Failed, TooLarge(group, vectors.Count, _options.MaxVectors));
        var loaded = clock.Elapsed;
        if (vectors.Count != info.VectorCount) await jobs.MarkRunningAsync(tenant, jobId, vectors.Count);
        activity?.SetTag("faceping.vectors", vectors.Count);

        var reported = 0;
        var settings = new ClusterSettings((float)request.Threshold, request.MinClusterSize, _options.Neighbours,
            _options.Threads);
        async Task ReportAsync(double done, CancellationToken ct)
        {
            var processed = (int)(done * vectors.Count);
            if (processed == reported) return;
            reported = processed;
            await progress.ReportAsync(tenant, jobId, processed, ct);
        }
        var clusters = await ClusterEngine.RunAsync(vectors.Vectors, vectors.Count, vectors.Dimensions, settings,
            ReportAsync, cancellationToken);
        var clustered = clock.Elapsed;

        var ids = new List<string[]>(clusters.Count);
        foreach (var cluster in clusters) ids.Add([.. cluster.Select(i => vectors.Ids[i])]);
        await results.SaveAsync(tenant, jobId, ids);
        var members = ids.Sum(c => c.Length);

        LabelWriteResult? labels = null;
        if (request.WriteMetadataKey is { } key)
        {
            var values = new Dictionary<string, string>(members, StringComparer.Ordinal);
            for (var c = 0; c < ids.Count; c++)
            {
                var label = ClusterResults.Label(c + 1);
                foreach (var id in ids[c]) values[id] = label;
            }
            try
            {
                labels = await store.WriteLabelsAsync(tenant, group, key, values, cancellationToken);
            }
            catch (GroupNotFoundException)
            {
                return (JobStatus.Failed, $"Group '{group}' was deleted during the clustering.");
            }
            catch (InvalidOperationException e)
            {
                return (JobStatus.Failed, $"Writing '{key}' stopped: {e.Message} Submit the job again.");
            }
        }
        await results.SetCountsAsync(tenant, jobId, ids.Count, members);

        activity?.SetTag("faceping.clusters", ids.Count);
        LogDone(jobId, vectors.Count, ids.Count, members, loaded.TotalSeconds, (clustered - loaded).TotalSeconds,
            (clock.Elapsed - clustered).TotalSeconds, labels?.Labelled ?? 0, labels?.Cleared ?? 0);
        return (JobStatus.Completed, null);
    }

    private static string TooLarge(string group, long count, int max) =>
        $"Group '{group}' holds {count:N0} vectors; a cluster job takes at most {max:N0} " +
        "(FacePing:Clustering:MaxVectors).";

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster job {JobId}: {Vectors} vectors → {Clusters} " +
        "clusters holding {Members} vectors; read {ReadSeconds:F1} s, neighbours and clusters {ClusterSeconds:F1} s, " +
        "results {WriteSeconds:F1} s ({Labelled} labelled, {Cleared} stale labels removed)")]
    private partial void LogDone(string jobId, int vectors, int clusters, int members, double readSeconds,
        double clusterSeconds, double writeSeconds, int labelled, int cleared);
}
