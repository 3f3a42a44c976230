using System.Globalization;
using System.Text.Json;
using FacePing.Core.Jobs;
using StackExchange.Redis;

namespace FacePing.Core.Clustering;

/// <summary>A finished cluster job's cluster: its id (1 = the largest), size and vector ids (ordinal order).</summary>
public sealed record ClusterPage(int ClusterId, int Size, IReadOnlyList<string> Ids);

/// <summary>
/// A cluster job's results and progress in Redis, beside the job's own keys (same <c>{t:tenant}</c> slot):
/// <c>{t:T}:job:ID:clusters</c> is a list whose element n − 1 is cluster n's ids as a JSON array, clusters ordered by
/// size (largest first; ties by first id), so cluster ids are ranks and a page after cluster n is one LRANGE. The list
/// expires with the job (<see cref="JobStore.FinishedJobRetention"/>); the job hash gets <c>processed</c> while the job
/// runs and <c>clusterCount</c> when it is done.
/// </summary>
public sealed class ClusterResults(IConnectionMultiplexer redis)
{
    // Clusters per RPUSH: a few MB at most per command, so a large result does not hold Redis up for long.
    private const int WriteBatch = 500;

    private IDatabase Db => redis.GetDatabase();

    public static RedisKey Key(string tenant, string jobId) => JobKeys.Job(tenant, jobId) + ":clusters";

    /// <summary>Sets the job's <c>processed</c> count (vectors whose neighbours are known).</summary>
    public Task ReportProgressAsync(string tenant, string jobId, int processed) =>
        Db.HashSetAsync(JobKeys.Job(tenant, jobId), "processed", processed);

    /// <summary>
    /// Replaces the job's clusters with <paramref name="clusters"/> (largest first); a job run again after a crash
    /// writes them again from the start.
    /// </summary>
    public async Task SaveAsync(string tenant, string jobId, IReadOnlyList<string[]> clusters)
    {
        var key = Key(tenant, jobId);
        var db = Db;
        await db.KeyDeleteAsync(key);
        for (var from = 0; from < clusters.Count; from += WriteBatch)
        {
            var batch = new RedisValue[Math.Min(WriteBatch, clusters.Count - from)];
            for (var i = 0; i < batch.Length; i++) batch[i] = JsonSerializer.Serialize(clusters[from + i]);
            await db.ListRightPushAsync(key, batch);
        }
        await db.KeyExpireAsync(key, JobStore.FinishedJobRetention);
    }

    /// <summary>Records the outcome shown by <c>GET /jobs/{id}</c>: clusters listed and vectors in them.</summary>
    public Task SetCountsAsync(string tenant, string jobId, int clusterCount, int clustered) =>
        Db.HashSetAsync(JobKeys.Job(tenant, jobId),
            [new("clusterCount", clusterCount), new("successCount", clustered)]);

    /// <summary>
    /// Up to <paramref name="limit"/> clusters after cluster id <paramref name="after"/> (0 = from the first).
    /// </summary>
    public async Task<IReadOnlyList<ClusterPage>> PageAsync(string tenant, string jobId, int after, int limit)
    {
        var values = await Db.ListRangeAsync(Key(tenant, jobId), after, (long)after + limit - 1);
        var page = new List<ClusterPage>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var ids = JsonSerializer.Deserialize<string[]>((string)values[i]!) ?? [];
            page.Add(new ClusterPage(after + i + 1, ids.Length, ids));
        }
        return page;
    }

    /// <summary>The metadata value a cluster id is written as.</summary>
    public static string Label(int clusterId) => clusterId.ToString(CultureInfo.InvariantCulture);
}
