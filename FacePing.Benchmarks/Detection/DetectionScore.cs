namespace FacePing.Benchmarks.Detection;

/// <summary>A detection as the service answered it: corner box in original pixels and its confidence.</summary>
public readonly record struct Detected(float X1, float Y1, float X2, float Y2, float Score);

/// <summary>
/// Recall per face size and precision at one IoU, the usual way: detections are taken best score first, each
/// matches the unmatched labelled face it overlaps most (IoU ≥ the bar). A match with an invalid face is neutral, no
/// match is a false detection. A face's size is its labelled box's height.
/// </summary>
public sealed class DetectionScore(float iou, float threshold)
{
    /// <summary>Lower edges of the size bins, in pixels: &lt; 16, 16–32, 32–64, ≥ 64.</summary>
    public static readonly int[] Bins = [0, 16, 32, 64];

    private readonly int[] _faces = new int[Bins.Length];
    private readonly int[] _found = new int[Bins.Length];

    public float Threshold => threshold;
    public int TruePositives { get; private set; }
    public int FalsePositives { get; private set; }

    public int Faces(int bin) => _faces[bin];
    public int Found(int bin) => _found[bin];
    public int FacesFrom(int bin) => _faces.Skip(bin).Sum();
    public int FoundFrom(int bin) => _found.Skip(bin).Sum();

    public double Recall(int bin) => Ratio(_found[bin], _faces[bin]);
    public double RecallFrom(int bin) => Ratio(FoundFrom(bin), FacesFrom(bin));
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    public static int BinOf(float size)
    {
        var bin = 0;
        while (bin + 1 < Bins.Length && size >= Bins[bin + 1]) bin++;
        return bin;
    }

    public void Add(IReadOnlyList<TruthBox> truth, IEnumerable<Detected> detections)
    {
        var taken = new bool[truth.Count];
        foreach (var d in detections.Where(d => d.Score >= threshold).OrderByDescending(d => d.Score))
        {
            var best = -1;
            var bestIoU = iou;
            for (var i = 0; i < truth.Count; i++)
            {
                if (taken[i]) continue;
                var o = IoU(truth[i], d);
                if (o >= bestIoU) (best, bestIoU) = (i, o);
            }
            if (best < 0)
            {
                FalsePositives++;
                continue;
            }
            taken[best] = true;
            if (truth[best].Invalid) continue;
            TruePositives++;
            _found[BinOf(truth[best].Height)]++;
        }
        foreach (var t in truth.Where(t => !t.Invalid)) _faces[BinOf(t.Height)]++;
    }

    private static float IoU(TruthBox t, in Detected d)
    {
        var w = MathF.Min(t.X2, d.X2) - MathF.Max(t.X1, d.X1);
        var h = MathF.Min(t.Y2, d.Y2) - MathF.Max(t.Y1, d.Y1);
        if (w <= 0 || h <= 0) return 0;
        var inter = w * h;
        return inter / (t.Width * t.Height + (d.X2 - d.X1) * (d.Y2 - d.Y1) - inter);
    }

    private static double Ratio(int a, int b) => b == 0 ? double.NaN : (double)a / b;
}
