namespace FacePing.Core.Faces;

/// <summary>
/// What a similarity means for the shipped face model: the thresholds at which it falsely accepts a given share of
/// pairs of different people. Measured on LFW View 1, the development split (every impostor pair among its 4,992
/// photos, 12.5 million of them), with eng/bench-accuracy.sh; never on View 2, where the accuracy is reported
/// (docs/accuracy.md).
/// </summary>
public static class FaceModelCalibration
{
    /// <summary>The model these figures belong to; another model's similarities need their own.</summary>
    public const string Model = "mobilefacenet512-dlibresnet128-v1";

    public const double DefaultFalseAcceptRate = 1e-3;

    /// <summary>
    /// (false-accept rate, threshold, share of genuine View 1 pairs accepted), rarest false accept last.
    /// </summary>
    public static IReadOnlyList<(double Far, double Threshold, double Tar)> Points { get; } =
    [
        (1e-2, 0.7312, 0.9925),
        (1e-3, 0.7665, 0.9825),
        (1e-4, 0.7941, 0.9643),
        (1e-5, 0.8179, 0.9201),
    ];

    public static double MinFalseAcceptRate => Points[^1].Far;

    public static double MaxFalseAcceptRate => Points[0].Far;

    /// <summary>
    /// The threshold for <paramref name="far"/>, interpolated linearly in log(FAR) between measured points.
    /// </summary>
    public static double ThresholdAt(double far)
    {
        if (far > MaxFalseAcceptRate || far < MinFalseAcceptRate || double.IsNaN(far))
        {
            throw new ArgumentOutOfRangeException(nameof(far), far,
                $"Calibrated from {MinFalseAcceptRate:0.#####} to {MaxFalseAcceptRate}.");
        }
        for (var i = 0; i + 1 < Points.Count; i++)
        {
            var (hi, lo) = (Points[i], Points[i + 1]);
            if (far > lo.Far && far <= hi.Far)
            {
                var t = (Math.Log(hi.Far) - Math.Log(far)) / (Math.Log(hi.Far) - Math.Log(lo.Far));
                return hi.Threshold + t * (lo.Threshold - hi.Threshold);
            }
        }
        return Points[^1].Threshold;
    }
}
