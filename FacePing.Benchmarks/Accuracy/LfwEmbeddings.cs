using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Contracts.Inference;

namespace FacePing.Benchmarks.Accuracy;

/// <summary>
/// What the Inference service made of one LFW photo: its faces (largest first) and the used face's vector.
/// </summary>
public sealed record LfwImage(string Path, int Width, int Height, IReadOnlyList<FaceBox> Boxes, float[]? Embedding,
    string Model)
{
    /// <summary>
    /// Index of the face whose box centre is nearest the image centre: LFW labels the central person.
    /// </summary>
    public int CentralFace()
    {
        var best = -1;
        var bestDistance = double.MaxValue;
        for (var i = 0; i < Boxes.Count; i++)
        {
            var b = Boxes[i];
            var dx = b.X + b.Width / 2 - Width / 2.0;
            var dy = b.Y + b.Height / 2 - Height / 2.0;
            var d = dx * dx + dy * dy;
            if (d < bestDistance) (best, bestDistance) = (i, d);
        }
        return best;
    }

    /// <summary>The API embedded a face other than the labelled (central) one.</summary>
    public bool OtherFaceTaken => Boxes.Count > 1 && CentralFace() != 0;
}

/// <summary>Embeds every photo of the pair lists through the real Inference service, as the Api calls it.</summary>
public static class LfwEmbeddings
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="cache">
    /// Optional JSON-lines file of earlier answers: photos already there (from the same model) are not sent again, so a
    /// re-run with another threshold costs seconds. New answers are appended.
    /// </param>
    public static async Task<Dictionary<string, LfwImage>> FetchAsync(Uri inference, string lfwFolder,
        IEnumerable<string> paths, int concurrency, string? cache = null)
    {
        var known = cache is not null && File.Exists(cache)
            ? File.ReadLines(cache)
                .Select(l => JsonSerializer.Deserialize<LfwImage>(l, Json)!).ToDictionary(i => i.Path)
            : [];
        var todo = paths.Distinct().Where(p => !known.ContainsKey(p)).ToArray();
        var missing = todo.Where(p => !File.Exists(Path.Combine(lfwFolder, p))).Take(3).ToArray();
        if (missing.Length > 0) throw new FileNotFoundException($"Not in {lfwFolder}: {string.Join(", ", missing)}");

        using var http = new HttpClient { BaseAddress = inference, Timeout = TimeSpan.FromMinutes(2) };
        var result = new ConcurrentDictionary<string, LfwImage>(known);
        var progress = new ProgressBar("embedding", todo.Length);
        await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (path, ct) =>
            {
                result[path] = await AnalyzeAsync(http, lfwFolder, path, ct);
                progress.Advance();
            });
        progress.Done();
        var models = result.Values.Select(i => i.Model).Distinct().ToArray();
        if (models.Length > 1)
            throw new InvalidDataException(
                $"{cache} holds answers of other models ({string.Join(", ", models)}); delete it.");
        if (cache is not null && todo.Length > 0)
        {
            await File.AppendAllLinesAsync(cache, todo.Select(p => JsonSerializer.Serialize(result[p], Json)));
        }
        return new Dictionary<string, LfwImage>(result);
    }

    private static async Task<LfwImage> AnalyzeAsync(HttpClient http, string folder, string path, CancellationToken ct)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(folder, path), ct));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync("/v1/analyze?embed=largest", content, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{path}: the Inference service answered {(int)response.StatusCode}: " +
                $"{await response.Content.ReadAsStringAsync(ct)}");
        }
        var analysis = await response.Content.ReadFromJsonAsync<FaceAnalysis>(Json, ct)
            ?? throw new HttpRequestException($"{path}: empty answer");
        return new LfwImage(path, analysis.Width, analysis.Height, [.. analysis.Faces.Select(f => f.Box)],
            analysis.Faces.Count > 0 ? analysis.Faces[0].Embedding : null, analysis.Model);
    }
}

/// <summary>A one-line console progress bar with rate and time left, redrawn at most ten times a second.</summary>
public sealed class ProgressBar(string label, int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done;
    private long _lastDraw;

    public void Advance()
    {
        var done = Interlocked.Increment(ref _done);
        var now = _clock.ElapsedMilliseconds;
        var last = Interlocked.Read(ref _lastDraw);
        if (done < total && now - last < 100) return;
        if (Interlocked.CompareExchange(ref _lastDraw, now, last) != last && done < total) return;
        Draw(done);
    }

    public void Done()
    {
        Draw(total);
        Console.Error.WriteLine();
    }

    private void Draw(int done)
    {
        const int width = 30;
        var filled = total == 0 ? width : width * done / total;
        var rate = done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        var left = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        lock (this)
        {
            Console.Error.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] " +
                $"{done}/{total} {rate:F1}/s, {left:mm\\:ss} left ");
        }
    }
}
