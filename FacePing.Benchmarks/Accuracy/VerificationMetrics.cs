namespace FacePing.Benchmarks.Accuracy;

/// <summary>
/// The standard face-verification figures over scored pairs (higher score = more alike). A pair whose face could not
/// be embedded scores <see cref="double.NegativeInfinity"/>: it counts as "different", right for impostors, wrong for
/// genuine pairs, as a user of the API would experience it.
/// </summary>
public static class VerificationMetrics
{
    /// <summary>Fraction of pairs decided right by "same when score ≥ threshold".</summary>
    public static double Accuracy(IReadOnlyList<double> scores, IReadOnlyList<bool> same, double threshold)
    {
        var right = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            if ((scores[i] >= threshold) == same[i]) right++;
        }
        return scores.Count == 0 ? 0 : (double)right / scores.Count;
    }

    /// <summary>
    /// The threshold with the best accuracy on these pairs: the midpoint between two neighbouring scores.
    /// </summary>
    public static double BestThreshold(IReadOnlyList<double> scores, IReadOnlyList<bool> same)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        // Start with every pair called "same", then move the threshold up past one score at a time.
        var right = same.Count(s => s);
        var best = right;
        var bestThreshold = order.Length == 0 ? 0 : Below(scores[order[0]]);
        for (var k = 0; k < order.Length; k++)
        {
            right += same[order[k]] ? -1 : 1;
            var last = k + 1 == order.Length;
            if (!last && scores[order[k + 1]] == scores[order[k]]) continue;
            if (right > best)
            {
                best = right;
                bestThreshold = last ? Above(scores[order[k]]) : Midpoint(scores[order[k]], scores[order[k + 1]]);
            }
        }
        return bestThreshold;
    }

    /// <summary>
    /// The LFW protocol: for each fold, the threshold is chosen on the other folds and the accuracy measured on it.
    /// </summary>
    public static FoldResult TenFold(IReadOnlyList<LfwPair> pairs, IReadOnlyList<double> scores)
    {
        var folds = pairs.Select(p => p.Fold).Distinct().Order().ToArray();
        var accuracies = new double[folds.Length];
        var thresholds = new double[folds.Length];
        for (var f = 0; f < folds.Length; f++)
        {
            var train = Enumerable.Range(0, pairs.Count).Where(i => pairs[i].Fold != folds[f]).ToArray();
            var test = Enumerable.Range(0, pairs.Count).Where(i => pairs[i].Fold == folds[f]).ToArray();
            thresholds[f] = BestThreshold([.. train.Select(i => scores[i])], [.. train.Select(i => pairs[i].Same)]);
            accuracies[f] = Accuracy([.. test.Select(i => scores[i])], [.. test.Select(i => pairs[i].Same)],
                thresholds[f]);
        }
        var mean = accuracies.Average();
        var sd = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / accuracies.Length);
        return new FoldResult(mean, sd, thresholds.Average());
    }

    /// <summary>
    /// The lowest threshold whose false-accept rate over <paramref name="impostorScores"/> is at most
    /// <paramref name="far"/> ("same" means score ≥ threshold).
    /// </summary>
    public static double ThresholdAtFar(IReadOnlyList<double> impostorScores, double far)
    {
        var sorted = impostorScores.OrderDescending().ToArray();
        var allowed = (int)Math.Floor(far * sorted.Length + 1e-9);
        // Accepting the `allowed` highest impostors is within the rate; the next one must fall below the threshold.
        return allowed >= sorted.Length ? double.NegativeInfinity : Above(sorted[allowed]);
    }

    /// <summary>Share of genuine scores at or above <paramref name="threshold"/>.</summary>
    public static double AcceptRate(IReadOnlyList<double> scores, double threshold) =>
        scores.Count == 0 ? 0 : (double)scores.Count(s => s >= threshold) / scores.Count;

    private static double Midpoint(double a, double b) => a + (b - a) / 2;

    private static double Above(double v) => double.IsFinite(v) ? Math.BitIncrement(v) : v;

    private static double Below(double v) => double.IsFinite(v) ? Math.BitDecrement(v) : v;
}

public readonly record struct FoldResult(double Mean, double StandardDeviation, double MeanThreshold);
