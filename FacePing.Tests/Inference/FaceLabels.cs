using System.Text.Json;
using FacePing.Contracts.Inference;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Inference;

/// <summary>The hand-labelled faces of bald_guys.jpg (labels.json): 4 people × 6 boxes.</summary>
public static class FaceLabels
{
    public sealed record LabelledFace(string Person, float X1, float Y1, float X2, float Y2)
    {
        public float CentreX => (X1 + X2) / 2;
        public float CentreY => (Y1 + Y2) / 2;
    }

    public static IReadOnlyList<LabelledFace> BaldGuys { get; } = Load();

    /// <summary>Faces of bald_guys.jpg that are none of the 4 people (bystanders): a detector may find them.</summary>
    public static IReadOnlyList<LabelledFace> Bystanders { get; } = LoadBystanders();

    private static List<LabelledFace> LoadBystanders()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Face("labels.json")));
        return [.. doc.RootElement.GetProperty("identities").GetProperty("background").EnumerateArray()
            .Select(box => new LabelledFace("bystander", box.GetProperty("x1").GetSingle(),
                box.GetProperty("y1").GetSingle(), box.GetProperty("x2").GetSingle(),
                box.GetProperty("y2").GetSingle()))];
    }

    private static List<LabelledFace> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Face("labels.json")));
        var people = doc.RootElement.GetProperty("identities").GetProperty("people");
        var faces = new List<LabelledFace>();
        foreach (var person in people.EnumerateObject())
        {
            foreach (var box in person.Value.EnumerateArray())
            {
                faces.Add(new LabelledFace(person.Name, box.GetProperty("x1").GetSingle(),
                    box.GetProperty("y1").GetSingle(), box.GetProperty("x2").GetSingle(),
                    box.GetProperty("y2").GetSingle()));
            }
        }
        return faces;
    }

    public static float IoU(LabelledFace label, FaceBox box)
    {
        var w = MathF.Min(label.X2, box.X + box.Width) - MathF.Max(label.X1, box.X);
        var h = MathF.Min(label.Y2, box.Y + box.Height) - MathF.Max(label.Y1, box.Y);
        if (w <= 0 || h <= 0) return 0;
        var inter = w * h;
        return inter / ((label.X2 - label.X1) * (label.Y2 - label.Y1) + box.Width * box.Height - inter);
    }

    /// <summary>
    /// The detection that is this labelled face: IoU ≥ 0.3, or its centre within a quarter of the label's size
    /// (label and detector boxes are drawn differently, see labels.json). Null when none is.
    /// </summary>
    public static DetectedFace? Match(LabelledFace label, IReadOnlyList<DetectedFace> faces)
    {
        DetectedFace? best = null;
        var bestIoU = 0f;
        foreach (var face in faces)
        {
            var iou = IoU(label, face.Box);
            var dx = face.Box.X + face.Box.Width / 2 - label.CentreX;
            var dy = face.Box.Y + face.Box.Height / 2 - label.CentreY;
            var close = MathF.Sqrt(dx * dx + dy * dy) <= 0.25f * MathF.Min(label.X2 - label.X1, label.Y2 - label.Y1);
            if ((iou >= 0.3f || close) && iou >= bestIoU)
            {
                best = face;
                bestIoU = iou;
            }
        }
        return best;
    }

    public static float Cosine(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
