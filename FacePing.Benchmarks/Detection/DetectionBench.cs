using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FacePing.Benchmarks.Accuracy;
using FacePing.Contracts.Inference;

namespace FacePing.Benchmarks.Detection;

/// <summary>
/// <c>detection</c>: face detection measured through the real Inference service (<c>POST /v1/analyze?embed=none</c>,
/// what the public <c>/faces/detect</c> calls) on a public labelled set: recall per face size, precision and
/// milliseconds per photo. eng/bench-detection.sh starts the service and calls this.
/// </summary>
public static class DetectionBench
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var o = Parse(args);
        var photos = DetectionTruth.Read(o.Annotations);
        if (o.Limit > 0) photos = [.. photos.Take(o.Limit)];
        var missing = photos.Where(p => !File.Exists(Path.Combine(o.Images, p.Path))).Take(3).ToArray();
        if (missing.Length > 0)
        {
            throw new FileNotFoundException(
                $"Not in {o.Images}: {string.Join(", ", missing.Select(p => p.Path))}");
        }

        using var http = new HttpClient { BaseAddress = o.Inference, Timeout = TimeSpan.FromMinutes(2) };
        // Warm the service's pools and code paths on the first photo: its time is not counted.
        await AnalyzeAsync(http, Path.Combine(o.Images, photos[0].Path), CancellationToken.None);

        var answers = new (IReadOnlyList<Detected> Faces, double Ms)[photos.Count];
        var progress = new ProgressBar("detecting", photos.Count);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, photos.Count),
            new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (i, ct) =>
            {
                answers[i] = await AnalyzeAsync(http, Path.Combine(o.Images, photos[i].Path), ct);
                progress.Advance();
            });
        var elapsed = clock.Elapsed.TotalSeconds;
        progress.Done();

        var shipped = answers.SelectMany(a => a.Faces).Select(f => f.Score).DefaultIfEmpty(0).Min();
        var thresholds = new[] { 0f }.Concat(o.Sweep.Where(t => t > shipped)).ToArray();
        var scores = thresholds.Select(t => new DetectionScore(o.IoU, t)).ToArray();
        for (var i = 0; i < photos.Count; i++)
        {
            foreach (var s in scores) s.Add(photos[i].Faces, answers[i].Faces);
        }

        var ms = answers.Select(a => a.Ms).Order().ToArray();
        var report = new StringBuilder();
        var valid = photos.Sum(p => p.Faces.Count(f => !f.Invalid));
        var invalid = photos.Sum(p => p.Faces.Count(f => f.Invalid));
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{photos.Count} photos, {valid} labelled faces ({invalid} invalid, neutral); IoU ≥ {o.IoU}; " +
            $"face size = labelled box height; {o.Inference}, concurrency {o.Concurrency}");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"ms/photo (client, HTTP included): p50 {Percentile(ms, 0.5):F1}, mean {ms.Average():F1}, " +
            $"p90 {Percentile(ms, 0.9):F1}; {photos.Count / elapsed:F2} photos/s");
        report.AppendLine();
        var bins = DetectionScore.Bins;
        var head = string.Join(" | ",
            bins.Select((b, i) => i + 1 < bins.Length ? $"{b}–{bins[i + 1]} px" : $"≥ {b} px"));
        report.AppendLine($"| score ≥ | {head} | ≥ 32 px | all | precision | detections |");
        report.AppendLine($"|---|{string.Concat(Enumerable.Repeat("---:|", bins.Length + 4))}");
        var faces = string.Join(" | ",
            bins.Select((_, i) => scores[0].Faces(i).ToString(CultureInfo.InvariantCulture)));
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| (faces) | {faces} | {scores[0].FacesFrom(2)} | {valid} | | |");
        foreach (var s in scores)
        {
            var recalls = string.Join(" | ", bins.Select((_, i) => F(s.Recall(i))));
            var label = s.Threshold == 0
                ? $"{shipped:F2} (as served)"
                : s.Threshold.ToString("F2", CultureInfo.InvariantCulture);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {label} | {recalls} | {F(s.RecallFrom(2))} | {F(s.RecallFrom(0))} | {F(s.Precision)} | " +
                $"{s.TruePositives + s.FalsePositives} |");
        }
        Console.WriteLine(report);
        if (o.Out is not null) await File.WriteAllTextAsync(o.Out, report.ToString());
        return 0;
    }

    private static async Task<(IReadOnlyList<Detected>, double)> AnalyzeAsync(HttpClient http, string file,
        CancellationToken ct)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(file, ct));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var start = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync("/v1/analyze?embed=none", content, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{file}: the Inference service answered {(int)response.StatusCode}: " +
                $"{await response.Content.ReadAsStringAsync(ct)}");
        }
        var analysis = await response.Content.ReadFromJsonAsync<FaceAnalysis>(Json, ct)
            ?? throw new HttpRequestException($"{file}: empty answer");
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return ([.. analysis.Faces.Select(f => new Detected(f.Box.X, f.Box.Y, f.Box.X + f.Box.Width,
            f.Box.Y + f.Box.Height, f.Confidence))], ms);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static string F(double v) => double.IsNaN(v) ? "–" : v.ToString("F3", CultureInfo.InvariantCulture);

    private sealed record Options(Uri Inference, string Images, string Annotations, float IoU, int Concurrency,
        int Limit, float[] Sweep, string? Out);

    private static Options Parse(string[] args)
    {
        Uri? inference = null;
        string? images = null, annotations = null, output = null;
        float iou = 0.5f;
        int concurrency = 1, limit = 0;
        float[] sweep = [];
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--inference": inference = new Uri(Next()); break;
                case "--images": images = Next(); break;
                case "--annotations": annotations = Next(); break;
                case "--iou": iou = float.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--limit": limit = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--thresholds":
                    sweep = [.. Next().Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture))];
                    break;
                case "--out": output = Next(); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        return new Options(inference ?? throw new ArgumentException("--inference is required"),
            images ?? throw new ArgumentException("--images is required"),
            annotations ?? throw new ArgumentException("--annotations is required"), iou, concurrency, limit, sweep,
            output);
    }
}
