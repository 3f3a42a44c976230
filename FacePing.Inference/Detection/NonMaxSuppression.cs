namespace FacePing.Inference.Detection;

/// <summary>Greedy non-maximum suppression over detections from every pass and tile.</summary>
public static class NonMaxSuppression
{
    /// <summary>
    /// Keeps the best-scoring box of each overlapping cluster. A box mostly inside a better one is dropped too:
    /// tiles and scales produce partial-face boxes whose IoU with the whole face stays low.
    /// </summary>
    public static List<FaceCandidate> Apply(List<FaceCandidate> boxes, float iouThreshold, float containment = 0.7f)
    {
        // Ties (scores saturate at 1.0) are broken by position, so the result does not depend on the order in
        // which parallel tiles delivered their boxes.
        boxes.Sort(static (a, b) =>
        {
            var c = b.Score.CompareTo(a.Score);
            if (c == 0) c = a.X1.CompareTo(b.X1);
            if (c == 0) c = a.Y1.CompareTo(b.Y1);
            if (c == 0) c = a.X2.CompareTo(b.X2);
            return c == 0 ? a.Y2.CompareTo(b.Y2) : c;
        });
        var kept = new List<FaceCandidate>();
        foreach (var box in boxes)
        {
            var suppressed = false;
            foreach (var k in kept)
            {
                var inter = box.Intersection(k);
                if (inter <= 0) continue;
                if (inter / (box.Area + k.Area - inter) > iouThreshold
                    || inter / MathF.Min(box.Area, k.Area) > containment)
                {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) kept.Add(box);
        }
        return kept;
    }
}
