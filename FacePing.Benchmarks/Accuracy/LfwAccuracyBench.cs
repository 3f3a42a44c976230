using System.Globalization;
using System.Text;
using FacePing.Core.Vectors;

namespace FacePing.Benchmarks.Accuracy;

/// <summary>
/// <c>accuracy</c>: LFW face verification through the Inference service (eng/bench-accuracy.sh starts it).
/// Usage: FacePing.Benchmarks accuracy --inference URL --lfw DIR --pairs pairs.txt --threshold T
///        [--dev pairsDevTrain.txt --dev pairsDevTest.txt] [--concurrency 2] [--out FILE] [--cache FILE]
/// Prints the 10-fold accuracy, the accuracy at the configured threshold, TAR at FAR 1 % and 0.1 % and the failures by
/// cause. With --dev (LFW View 1, the development split) it also calibrates: thresholds for a set of false-accept
/// rates over every impostor pair among the View 1 photos, so the shipped threshold never comes from the pairs it is
/// reported on.
/// </summary>
public static class LfwAccuracyBench
{
    private static readonly double[] CalibrationFars = [1e-2, 1e-3, 1e-4, 1e-5];

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        var view2 = LfwPairs.ReadView2(options.Pairs);
        var view1 = options.Dev.SelectMany(LfwPairs.ReadView1).ToArray();
        var images = await LfwEmbeddings.FetchAsync(options.Inference, options.Lfw,
            view2.Concat(view1).SelectMany(p => new[] { p.First, p.Second }), options.Concurrency, options.Cache);

        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        var used = view2.SelectMany(p => new[] { p.First, p.Second }).Distinct().Select(p => images[p]).ToArray();
        Line($"model {string.Join(", ", images.Values.Select(i => i.Model).Distinct())}; {view2.Count} pairs, " +
             $"{used.Length} photos ({used.Count(i => i.Boxes.Count == 0)} without a face, " +
             $"{used.Count(i => i.Boxes.Count > 1)} with several, " +
             $"{used.Count(i => i.OtherFaceTaken)} where the face used is not the central one)");

        var scores = view2.Select(p => Score(images[p.First], images[p.Second])).ToArray();
        var same = view2.Select(p => p.Same).ToArray();
        var folds = VerificationMetrics.TenFold(view2, scores);
        Line($"10-fold accuracy            {Percent(folds.Mean)} ± {Percent(folds.StandardDeviation)} " +
             $"(mean threshold {folds.MeanThreshold:F3})");
        var atShipped = VerificationMetrics.Accuracy(scores, same, options.Threshold);
        Line($"accuracy at threshold {options.Threshold:F3}  {Percent(atShipped)}");

        var genuine = scores.Where((_, i) => same[i]).ToArray();
        var impostor = scores.Where((_, i) => !same[i]).ToArray();
        foreach (var far in new[] { 1e-2, 1e-3 })
        {
            var t = VerificationMetrics.ThresholdAtFar(impostor, far);
            Line($"TAR at FAR {far * 100,4:0.0##} %         {VerificationMetrics.AcceptRate(genuine, t):F4} " +
                 $"(threshold {t:F3}, {impostor.Length} impostor pairs)");
        }
        Line($"at threshold {options.Threshold:F3}: " +
             $"FAR {VerificationMetrics.AcceptRate(impostor, options.Threshold) * 100:F2} %, " +
             $"TAR {VerificationMetrics.AcceptRate(genuine, options.Threshold):F4}");

        StoredPrecision(view2, images, scores, options.Threshold, Line);

        Line();
        Line($"failures at threshold {options.Threshold:F3}, by cause:");
        foreach (var (cause, count) in FailureCauses(view2, scores, images, options.Threshold))
            Line($"  {cause,-34} {count}");

        if (view1.Length > 0)
        {
            Line();
            Calibrate(view1, images, Line);
        }

        if (options.Out is { } file)
        {
            await File.WriteAllTextAsync(file, report.ToString());
            Console.Error.WriteLine($"report written to {file}");
        }
        return 0;
    }

    /// <summary>
    /// The same pairs scored as a search scores them: the probe's float32 vector against the second photo's vector as
    /// the store keeps it in half precision (<c>FacePing:Store:VectorPrecision</c> <c>half</c>, the default), so the
    /// accept rates at the shipped threshold show whether that storage moves any decision.
    /// </summary>
    private static void StoredPrecision(IReadOnlyList<LfwPair> pairs, IReadOnlyDictionary<string, LfwImage> images,
        double[] scores, double threshold, Action<string> line)
    {
        var stored = new double[scores.Length];
        double worst = 0, sum = 0;
        var changed = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (a, b) = (images[pairs[i].First].Embedding, images[pairs[i].Second].Embedding);
            if (a is null || b is null)
            {
                stored[i] = scores[i];
                continue;
            }
            var half = new float[b.Length];
            HalfVectors.TryDecode(HalfVectors.Encode(b), half);
            stored[i] = VectorMath.Cosine(a, half);
            var delta = Math.Abs(stored[i] - scores[i]);
            (worst, sum) = (Math.Max(worst, delta), sum + delta);
            if ((stored[i] >= threshold) != (scores[i] >= threshold)) changed++;
        }
        var same = pairs.Select(p => p.Same).ToArray();
        double Rate(bool genuine, double[] s) =>
            VerificationMetrics.AcceptRate(s.Where((_, i) => same[i] == genuine).ToArray(), threshold);
        line("");
        line("stored in half precision (the second photo as the store keeps it), against float32:");
        line($"  |cosine change| mean {sum / pairs.Count:E2}, largest {worst:E2}; decisions changed at " +
             $"{threshold:F3}: {changed} of {pairs.Count}");
        line($"  accuracy {Percent(VerificationMetrics.Accuracy(stored, same, threshold))} " +
             $"(float32 {Percent(VerificationMetrics.Accuracy(scores, same, threshold))}); " +
             $"TAR {Rate(true, stored):F4} (float32 {Rate(true, scores):F4}); " +
             $"FAR {Rate(false, stored) * 100:F2} % (float32 {Rate(false, scores) * 100:F2} %)");
    }

    /// <summary>Every failed pair counted once, under the first cause that applies.</summary>
    private static IEnumerable<(string Cause, int Count)> FailureCauses(IReadOnlyList<LfwPair> pairs, double[] scores,
        IReadOnlyDictionary<string, LfwImage> images, double threshold)
    {
        int noFace = 0, otherFace = 0, lowScore = 0, highScore = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            if ((scores[i] >= threshold) == p.Same) continue;
            var a = images[p.First];
            var b = images[p.Second];
            if (a.Embedding is null || b.Embedding is null) noFace++;
            else if (a.OtherFaceTaken || b.OtherFaceTaken) otherFace++;
            else if (p.Same) lowScore++;
            else highScore++;
        }
        yield return ("no face found", noFace);
        yield return ("another face taken (not central)", otherFace);
        yield return ("genuine pair scored low", lowScore);
        yield return ("impostor pair scored high", highScore);
    }

    /// <summary>
    /// Thresholds for false-accept rates over all impostor pairs of View 1's photos (each photo's used face), with the
    /// genuine accept rate over all its same-person pairs at each.
    /// </summary>
    private static void Calibrate(IReadOnlyList<LfwPair> view1, IReadOnlyDictionary<string, LfwImage> images,
        Action<string> line)
    {
        var photos = view1.SelectMany(p => new[] { p.First, p.Second }).Distinct()
            .Select(p => images[p]).Where(i => i.Embedding is not null).ToArray();
        var person = photos.Select(i => i.Path[..i.Path.IndexOf('/')]).ToArray();
        var genuine = new List<double>();
        var impostor = new List<double>(photos.Length * (photos.Length - 1) / 2);
        for (var i = 0; i < photos.Length; i++)
        {
            for (var j = i + 1; j < photos.Length; j++)
            {
                var s = Cosine(photos[i].Embedding!, photos[j].Embedding!);
                (person[i] == person[j] ? genuine : impostor).Add(s);
            }
        }
        line($"calibration on LFW View 1: {photos.Length} photos, {genuine.Count} genuine and {impostor.Count:N0} " +
             "impostor pairs");
        line("  FAR        threshold  TAR");
        foreach (var far in CalibrationFars)
        {
            var t = VerificationMetrics.ThresholdAtFar(impostor, far);
            line($"  {far,-10:0.#####}  {t:F4}    {VerificationMetrics.AcceptRate(genuine, t):F4}");
        }
    }

    private static double Score(LfwImage a, LfwImage b) =>
        a.Embedding is null || b.Embedding is null ? double.NegativeInfinity : Cosine(a.Embedding, b.Embedding);

    private static double Cosine(float[] a, float[] b)
    {
        // Vectors come L2-normalised from the service, so the dot product is the cosine.
        double dot = 0;
        for (var i = 0; i < a.Length; i++) dot += a[i] * b[i];
        return dot;
    }

    private static string Percent(double v) => (v * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";

    private sealed record Options(Uri Inference, string Lfw, string Pairs, double Threshold, string[] Dev,
        int Concurrency, string? Out, string? Cache);

    private static Options Parse(string[] args)
    {
        string? inference = null, lfw = null, pairs = null, output = null, cache = null;
        double? threshold = null;
        var dev = new List<string>();
        var concurrency = 2;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--inference": inference = Next(); break;
                case "--lfw": lfw = Next(); break;
                case "--pairs": pairs = Next(); break;
                case "--threshold": threshold = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--dev": dev.Add(Next()); break;
                case "--concurrency": concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": output = Next(); break;
                case "--cache": cache = Next(); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        if (inference is null || lfw is null || pairs is null || threshold is null)
        {
            throw new ArgumentException("usage: accuracy --inference URL --lfw DIR --pairs pairs.txt --threshold T " +
                "[--dev FILE]... [--concurrency N] [--out FILE] [--cache FILE]");
        }
        return new Options(new Uri(inference), lfw, pairs, threshold.Value, [.. dev], concurrency, output, cache);
    }
}
