using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Benchmarks.Accuracy;
using FacePing.Contracts.Inference;

namespace FacePing.Benchmarks.Detection;

/// <summary>
/// <c>pipeline-speed</c>: every face of every photo embedded through the real Inference service
/// (<c>POST /v1/analyze?embed=all</c>, what an import of all faces asks): photos/s, faces/s and ms per face of wall
/// time with N callers, and the service's CPU milliseconds per face (from /proc, so a busy machine shows less in it
/// than in wall time). eng/bench-pipeline.sh runs it next to dlib's own pipeline on the same photos.
/// </summary>
public static class PipelineSpeedBench
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        Uri? inference = null;
        string? list = null, label = null;
        int concurrency = 2, pid = 0;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--inference": inference = new Uri(Next()); break;
                case "--photos": list = Next(); break;
                case "--label": label = Next(); break;
                case "--concurrency": concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pid": pid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        if (inference is null || list is null)
        {
            throw new ArgumentException(
                "usage: pipeline-speed --inference URL --photos LIST [--concurrency N] [--pid P]");
        }
        var photos = File.ReadAllLines(list).Where(l => l.Length > 0).ToArray();
        var bytes = photos.Select(File.ReadAllBytes).ToArray();

        using var http = new HttpClient { BaseAddress = inference, Timeout = TimeSpan.FromMinutes(5) };
        await AnalyzeAsync(http, bytes[0], CancellationToken.None);

        var faces = new int[photos.Length];
        var progress = new ProgressBar(label ?? "photos", photos.Length);
        var cpu = ProcessCpuMs(pid);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, photos.Length),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
            {
                faces[i] = await AnalyzeAsync(http, bytes[i], ct);
                progress.Advance();
            });
        var wall = clock.Elapsed.TotalSeconds;
        var cpuMs = ProcessCpuMs(pid) - cpu;
        progress.Done();

        var total = faces.Sum();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{label ?? "photos"}: {photos.Length} photos, {total} faces embedded, {wall:F1} s with {concurrency} " +
            $"callers: {photos.Length / wall:F2} photos/s, {total / wall:F2} faces/s, " +
            $"{1000 * wall / Math.Max(total, 1):F1} ms/face");
        if (pid > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $"; service CPU {cpuMs / photos.Length:F1} ms/photo, {cpuMs / Math.Max(total, 1):F1} ms/face");
        }
        Console.WriteLine(line);
        return 0;
    }

    private static async Task<int> AnalyzeAsync(HttpClient http, byte[] photo, CancellationToken ct)
    {
        using var content = new ByteArrayContent(photo);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync("/v1/analyze?embed=all", content, ct);
        response.EnsureSuccessStatusCode();
        var analysis = await response.Content.ReadFromJsonAsync<FaceAnalysis>(Json, ct)
            ?? throw new HttpRequestException("empty answer");
        return analysis.Faces.Count(f => f.Embedding is not null);
    }

    /// <summary>User + system CPU time of a process in ms (/proc/PID/stat fields 14 and 15, in clock ticks).</summary>
    private static double ProcessCpuMs(int pid)
    {
        if (pid <= 0) return 0;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture)
            + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 10.0; // USER_HZ is 100 on Linux.
    }
}
