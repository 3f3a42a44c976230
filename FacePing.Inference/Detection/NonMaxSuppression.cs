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
        boxes.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<FaceCandidate>();
        foreach (var box in boxes)
        {
            var suppressed = false;
            foreach (var k in kept)
            {
                var inter = box.Intersection(k);
                if (inter <= 0) continue;
                if (inter / (box.Area + k.Area - inter) > iouThreshold || inter / MathF.Min(box.Area, k.Area) > containment)
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
