using System.Diagnostics;
using System.Globalization;
using FacePing.Core.Clustering;
using FacePing.Core.Faces;
using FacePing.Core.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Benchmarks.Clustering;

/// <summary>
/// <c>cluster-time</c>: how long a cluster job of a large group takes, on synthetic 640-d vectors shaped like faces
/// (people of 1–8 photos whose pairs score about 0.8, everyone else near 0). Without <c>--redis</c> it times what the
/// worker does in memory (<see cref="ClusterEngine"/>: the all-pairs neighbour search, then the clusters); with
/// <c>--redis HOST:PORT</c> it first stores the vectors in a group there (not timed) and then times the whole job's
/// path: reading the group, clustering, and writing every clustered vector's label (eng/bench-cluster-time.sh).
/// Usage: FacePing.Benchmarks cluster-time [--count 100000] [--dims 640] [--threads 2] [--redis HOST:PORT] [--seed 1]
/// </summary>
public static class ClusterTimeBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        var threshold = (float)FaceModelCalibration.ThresholdAt(FaceModelCalibration.DefaultFalseAcceptRate);
        var (vectors, people) = Synthetic(options.Count, options.Dims, options.Seed);
        Console.WriteLine($"{options.Count:N0} synthetic {options.Dims}-d vectors of {people:N0} people, threshold " +
                          $"{threshold:F4}, {options.Threads} threads, kernel {PairKernels.Best}, " +
                          $"{Environment.ProcessorCount} cores");

        if (options.Redis is null)
        {
            var clock = Stopwatch.StartNew();
            var cpu = Cpu();
            var settings = new ClusterSettings(threshold, 2, Threads: options.Threads);
            var clusters = await ClusterEngine.RunAsync(vectors, options.Count, options.Dims, settings, null,
                CancellationToken.None);
            Report("neighbours and clusters", clock.Elapsed, Cpu() - cpu, clusters.Count, clusters.Sum(c => c.Length));
        }
        else
        {
            await TimeJobAsync(options, vectors, threshold);
        }
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB");
        return 0;
    }

    // The worker's steps against a real Redis: read the group, cluster it, write the labels.
    private static async Task TimeJobAsync(TimeOptions options, float[] vectors, float threshold)
    {
        // Generous timeouts: the stores below keep Redis busy (HNSW inserts), and its host may be shared.
        var configuration = ConfigurationOptions.Parse(options.Redis!);
        configuration.SyncTimeout = configuration.AsyncTimeout = 120_000;
        using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var store = new FaceStore(redis, Options.Create(new VectorStoreOptions()), TimeProvider.System);
        var tenant = "bench-" + Guid.NewGuid().ToString("N");
        const string group = "cluster-time";
        await store.CreateGroupAsync(tenant, group);
        var storing = Stopwatch.StartNew();
        // Batches of 20 as bulk writers should send them (FaceStore.UpsertAsync), two at a time: the HNSW inserts are
        // Redis's work, one script after another, so more would only queue.
        const int batch = 20;
        var batches = Enumerable.Range(0, (options.Count + batch - 1) / batch);
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (b, ct) =>
        {
            var writes = new List<VectorWrite>(batch);
            for (var i = b * batch; i < Math.Min(options.Count, (b + 1) * batch); i++)
                writes.Add(new VectorWrite(vectors.AsSpan(i * options.Dims, options.Dims).ToArray(), null, "vector"));
            await store.UpsertAsync(tenant, group, writes, cancellationToken: ct);
        });
        Console.WriteLine($"stored in {storing.Elapsed.TotalSeconds:F1} s (not part of the job)");

        try
        {
            var clock = Stopwatch.StartNew();
            var read = await store.ReadGroupVectorsAsync(tenant, group);
            var cpu = Cpu();
            var afterRead = clock.Elapsed;
            var settings = new ClusterSettings(threshold, 2, Threads: options.Threads);
            var clusters = await ClusterEngine.RunAsync(read.Vectors, read.Count, read.Dimensions, settings, null,
                CancellationToken.None);
            var afterCluster = clock.Elapsed;
            var clusterCpu = Cpu() - cpu;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < clusters.Count; c++)
            {
                foreach (var i in clusters[c]) labels[read.Ids[i]] = ClusterResults.Label(c + 1);
            }
            var written = await store.WriteLabelsAsync(tenant, group, "cluster", labels);
            var total = clock.Elapsed;
            Console.WriteLine($"read {read.Count:N0} vectors: {afterRead.TotalSeconds:F1} s");
            Report("neighbours and clusters", afterCluster - afterRead, clusterCpu, clusters.Count, labels.Count);
            var writing = total - afterCluster;
            Console.WriteLine($"label write ({written.Labelled:N0} vectors): {writing.TotalSeconds:F1} s");
            Console.WriteLine($"whole job: {total.TotalSeconds:F1} s");
        }
        finally
        {
            await store.DeleteGroupAsync(tenant, group);
        }
    }

    // CPU time shows what the step costs on a machine that others share (wall time then includes their share).
    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static void Report(string step, TimeSpan elapsed, TimeSpan cpu, int clusters, int members) =>
        Console.WriteLine($"{step}: {elapsed.TotalSeconds:F1} s ({cpu.TotalSeconds:F1} s of CPU) → {clusters:N0} " +
                          $"clusters holding {members:N0} vectors");

    /// <summary>
    /// People with 1–8 photos each: a photo is its person's random direction plus 0.3–0.6 times a random one, so
    /// two photos of one person score about 0.75–0.9 and strangers about 0 ± 0.04 (random 640-d directions).
    /// </summary>
    private static (float[] Vectors, int People) Synthetic(int count, int dims, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[(long)count * dims];
        var centre = Array.Empty<float>();
        var people = 0;
        var left = 0;
        for (var i = 0; i < count; i++)
        {
            if (left == 0)
            {
                centre = RandomVectors.Unit(random, dims);
                left = random.Next(1, 9);
                people++;
            }
            left--;
            var noise = RandomVectors.Unit(random, dims);
            var amount = 0.3f + 0.3f * random.NextSingle();
            for (var d = 0; d < dims; d++) noise[d] = centre[d] + amount * noise[d];
            RandomVectors.Normalize(noise).CopyTo(vectors, (long)i * dims);
        }
        return (vectors, people);
    }

    private sealed record TimeOptions(int Count, int Dims, int Threads, string? Redis, int Seed);

    private static TimeOptions Parse(string[] args)
    {
        var (count, dims, threads, seed) = (100_000, 640, 2, 1);
        string? redis = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--count": count = Int(); break;
                case "--dims": dims = Int(); break;
                case "--threads": threads = Int(); break;
                case "--redis": redis = Next(); break;
                case "--seed": seed = Int(); break;
                default:
                    throw new ArgumentException(
                        $"unknown argument {args[i]}; usage: cluster-time [--count N] [--dims D] [--threads T] " +
                        "[--redis HOST:PORT] [--seed S]");
            }
        }
        return new TimeOptions(count, dims, threads, redis, seed);
    }
}
