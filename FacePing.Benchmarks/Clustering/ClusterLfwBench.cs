using System.Diagnostics;
using System.Globalization;
using System.Text;
using FacePing.Benchmarks.Accuracy;
using FacePing.Core.Clustering;
using FacePing.Core.Faces;

namespace FacePing.Benchmarks.Clustering;

/// <summary>
/// <c>cluster-lfw</c>: how well clustering finds people, on LFW through the real pipeline (eng/bench-cluster.sh starts
/// the Inference service). Every photo of the people with at least <c>--min-photos</c> photos is embedded as the Api
/// embeds a stored face (the largest face), then clustered in memory by the code a cluster job runs
/// (<see cref="ClusterEngine"/>), and scored by pairwise precision and recall against the person labels.
/// Usage: FacePing.Benchmarks cluster-lfw --inference URL --lfw DIR [--min-photos 5] [--threshold T] [--k 10]
///        [--min-cluster-size 2] [--sweep] [--concurrency 2] [--cache FILE] [--out FILE]
/// --sweep adds a table over methods, k and thresholds. Photos without a face are left out (they cannot be stored).
/// </summary>
public static class ClusterLfwBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        var paths = LfwPeople.Photos(options.Lfw, options.MinPhotos);
        var images = await LfwEmbeddings.FetchAsync(options.Inference, options.Lfw, paths, options.Concurrency,
            options.Cache);

        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        var used = paths.Select(p => images[p]).Where(i => i.Embedding is not null).ToArray();
        var dims = used[0].Embedding!.Length;
        var vectors = new float[used.Length * dims];
        for (var i = 0; i < used.Length; i++) used[i].Embedding!.CopyTo(vectors, i * dims);
        var labels = Labels(used.Select(i => LfwPeople.Person(i.Path)).ToArray(), out var people);
        Line($"LFW people with ≥ {options.MinPhotos} photos: {people} people, {paths.Count} photos, " +
             $"{paths.Count - used.Length} without a face (left out), {used.Count(i => i.OtherFaceTaken)} where the " +
             $"largest face is not the labelled one; model {used[0].Model}, {dims}-d");

        var settings = new ClusterSettings((float)options.Threshold, options.MinClusterSize, options.K);
        var clock = Stopwatch.StartNew();
        var clusters = await ClusterEngine.RunAsync(vectors, used.Length, dims, settings, null, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        var score = PairwiseScore.Of(clusters, labels, used.Length);
        Line($"threshold {options.Threshold:F4}, k {options.K}, min cluster size {options.MinClusterSize}, " +
             $"{settings.Method}: {seconds:F2} s");
        Line($"  pairwise precision {score.Precision:F4}, recall {score.Recall:F4}, F1 {score.F1:F4}");
        Line($"  {clusters.Count} clusters for {people} people; {score.Clustered} of {used.Length} photos clustered; " +
             $"{score.PureClusters} clusters hold one person only; {score.SplitPeople} people are split over " +
             "several clusters");

        if (options.Sweep)
        {
            Line();
            Sweep(vectors, used.Length, dims, labels, options, Line);
        }

        if (options.Out is { } file)
        {
            await File.WriteAllTextAsync(file, report.ToString());
            Console.Error.WriteLine($"report written to {file}");
        }
        return 0;
    }

    // Every method × k × threshold on one graph of the largest k (a graph of smaller k is its prefix).
    private static void Sweep(float[] vectors, int count, int dims, int[] labels, Options options, Action<string> line)
    {
        int[] ks = [5, 10, 20, 30];
        double[] thresholds = [0.70, 0.7312, 0.75, 0.7665, 0.78, 0.7941, 0.8178];
        var graph = NeighbourSearch.FindAsync(vectors, count, dims, ks[^1], Environment.ProcessorCount, null)
            .GetAwaiter().GetResult();
        line("| method | k | threshold | precision | recall | F1 | clusters |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var method in Enum.GetValues<ClusterMethod>())
        {
            foreach (var k in ks)
            {
                var prefix = Prefix(graph, k);
                foreach (var t in thresholds)
                {
                    var settings = new ClusterSettings((float)t, options.MinClusterSize, k, Method: method);
                    var clusters = ClusterEngine.Cluster(vectors, dims, prefix, settings);
                    var s = PairwiseScore.Of(clusters, labels, count);
                    line($"| {method} | {k} | {t:F4} | {s.Precision:F4} | {s.Recall:F4} | {s.F1:F4} | " +
                         $"{clusters.Count} |");
                }
            }
        }
    }

    private static Neighbours Prefix(Neighbours graph, int k)
    {
        var prefix = new Neighbours(graph.Count, k);
        for (var i = 0; i < graph.Count; i++)
        {
            graph.Of(i)[..k].CopyTo(prefix.Index.AsSpan(i * k, k));
            graph.SimilaritiesOf(i)[..k].CopyTo(prefix.Similarity.AsSpan(i * k, k));
        }
        return prefix;
    }

    private static int[] Labels(string[] names, out int distinct)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new int[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            if (!ids.TryGetValue(names[i], out var id)) ids[names[i]] = id = ids.Count;
            labels[i] = id;
        }
        distinct = ids.Count;
        return labels;
    }

    private sealed record Options(Uri Inference, string Lfw, int MinPhotos, double Threshold, int K, int MinClusterSize,
        bool Sweep, int Concurrency, string? Cache, string? Out);

    private static Options Parse(string[] args)
    {
        string? inference = null, lfw = null, cache = null, output = null;
        var minPhotos = 5;
        var threshold = FaceModelCalibration.ThresholdAt(FaceModelCalibration.DefaultFalseAcceptRate);
        var k = ClusterSettings.DefaultNeighbours;
        var minClusterSize = 2;
        var concurrency = 2;
        var sweep = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--inference": inference = Next(); break;
                case "--lfw": lfw = Next(); break;
                case "--min-photos": minPhotos = Int(); break;
                case "--threshold": threshold = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--k": k = Int(); break;
                case "--min-cluster-size": minClusterSize = Int(); break;
                case "--sweep": sweep = true; break;
                case "--concurrency": concurrency = Int(); break;
                case "--cache": cache = Next(); break;
                case "--out": output = Next(); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        if (inference is null || lfw is null)
        {
            throw new ArgumentException("usage: cluster-lfw --inference URL --lfw DIR [--min-photos 5] " +
                                        "[--threshold T] [--k 10] [--min-cluster-size 2] [--sweep] [--concurrency 2] " +
                                        "[--cache FILE] [--out FILE]");
        }
        return new Options(new Uri(inference), lfw, minPhotos, threshold, k, minClusterSize, sweep, concurrency, cache,
            output);
    }
}

/// <summary>
/// Pairwise scores of a clustering against labels: precision = share of the pairs put in one cluster that are one
/// person, recall = share of the same-person pairs that were put in one cluster. Unclustered items pair with nobody.
/// </summary>
public sealed record PairwiseScore(double Precision, double Recall, int Clustered, int PureClusters, int SplitPeople)
{
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static PairwiseScore Of(IReadOnlyList<int[]> clusters, int[] labels, int count)
    {
        long together = 0, right = 0, truth = 0;
        var pure = 0;
        var clustersOfPerson = new Dictionary<int, HashSet<int>>();
        for (var c = 0; c < clusters.Count; c++)
        {
            var cluster = clusters[c];
            together += Pairs(cluster.Length);
            var byPerson = cluster.GroupBy(i => labels[i]).ToArray();
            foreach (var person in byPerson)
            {
                right += Pairs(person.Count());
                if (!clustersOfPerson.TryGetValue(person.Key, out var set)) clustersOfPerson[person.Key] = set = [];
                set.Add(c);
            }
            if (byPerson.Length == 1) pure++;
        }
        foreach (var person in labels.Take(count).GroupBy(l => l)) truth += Pairs(person.Count());
        return new PairwiseScore(together == 0 ? 1 : (double)right / together, truth == 0 ? 1 : (double)right / truth,
            clusters.Sum(c => c.Length), pure, clustersOfPerson.Count(p => p.Value.Count > 1));
    }

    private static long Pairs(long n) => n * (n - 1) / 2;
}
