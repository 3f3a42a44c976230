using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace FacePing.Benchmarks.ApiLoad;

/// <summary>
/// End-to-end figures against a running Api (+ Inference + Redis), as eng/bench.sh starts them: bulk load through the
/// upsert API, Redis memory per vector, vector search latency (concurrency 1) and throughput (concurrency 16),
/// recall@10 against exact brute force, the API's latency over a raw VSIM, a raw-VSIM EF table, and face search.
/// Usage: FacePing.Benchmarks api --api URL --admin-key KEY --redis HOST:PORT [--vectors N] [--dims D] [--queries Q]
///        [--seconds S] [--warmup-seconds S] [--faces true|false] [--index-api URL] [--inference URL] [--out FILE]
/// --index-api: a second Api on the same Redis with the scan copies off, measured the same way for comparison.
/// </summary>
public static class ApiLoadBench
{
    public static int Run(string[] args) => RunAsync(Arguments.Parse(args)).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(Arguments a)
    {
        var report = new StringBuilder();
        void Line(string text)
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(30),
        })
        {
            BaseAddress = new Uri(a.Api), Timeout = TimeSpan.FromSeconds(120),
        };
        using var redis = await ConnectionMultiplexer.ConnectAsync(a.Redis + ",allowAdmin=true");
        var db = redis.GetDatabase();
        var server = redis.GetServer(redis.GetEndPoints()[0]);

        // A tenant and an empty group.
        using var adminRequest = new HttpRequestMessage(HttpMethod.Post, "/admin/keys")
        {
            Content = JsonContent.Create(new { name = "bench" }),
        };
        adminRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", a.AdminKey);
        using var created = await http.SendAsync(adminRequest);
        created.EnsureSuccessStatusCode();
        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            key.GetProperty("key").GetString());
        var tenant = key.GetProperty("tenantId").GetString()!;
        const string group = "bench";
        (await http.PostAsync($"/groups/{group}", null)).EnsureSuccessStatusCode();
        var vectorSet = $"{{t:{tenant}}}:g:{group}:vs";

        Line($"# FacePing benchmark run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Line("");
        Line($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; .NET {Environment.Version}; " +
             $"Redis {server.Version}. Load client, Api, Inference and Redis share the same cores.");
        Line("");

        // ---- bulk load ----
        var random = new Random(42);
        var vectors = new float[a.Vectors][];
        for (var i = 0; i < vectors.Length; i++) vectors[i] = RandomVectors.Unit(random, a.Dims);
        var memoryBefore = UsedMemory(server);
        var loadWatch = Stopwatch.StartNew();
        var nextBatch = -1;
        var batches = (a.Vectors + 99) / 100;
        // Two in flight: Redis inserts into the HNSW graph on one thread, so more only queue there; near 100k vectors a
        // batch of 100 takes ~1 s, and with 4 queued the last one waited past the Redis client's 5 s timeout (503).
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref nextBatch)) < batches)
            {
                await Upsert(http, group, vectors, b * 100, Math.Min(a.Vectors, (b + 1) * 100), "v");
            }
        })));
        loadWatch.Stop();
        var memoryAfter = UsedMemory(server);
        var perVector = (memoryAfter - memoryBefore) / (double)a.Vectors;
        Line("## Bulk load (POST /groups/{g}/vectors/upsert, 100 per request, 2 requests in flight)");
        Line("");
        Line($"- {a.Vectors:N0} random unit {a.Dims}-d vectors in {loadWatch.Elapsed.TotalSeconds:F1} s: " +
             $"**{a.Vectors / loadWatch.Elapsed.TotalSeconds:N0} vectors/s**");
        Line($"- Redis memory: {perVector:N0} bytes per vector " +
             $"(used_memory delta {(memoryAfter - memoryBefore) / 1048576.0:N1} MiB / {a.Vectors:N0}); " +
             $"the float32 copy alone is {a.Dims * 4:N0} bytes, the Q8 HNSW copy {a.Dims:N0} bytes plus graph links");
        Line("");

        // ---- queries and exact ground truth ----
        var queries = new List<(string Kind, float[] Vector)>();
        for (var i = 0; i < a.Queries; i++) queries.Add(("random", RandomVectors.Unit(random, a.Dims)));
        for (var i = 0; i < a.Queries; i++)
        {
            // A "same face, another photo" query: a stored vector plus noise (cosine ≈ 0.8 to it), as face search sees.
            var near = vectors[random.Next(vectors.Length)].ToArray();
            var noise = RandomVectors.Unit(random, a.Dims);
            for (var d = 0; d < a.Dims; d++) near[d] += 0.75f * noise[d];
            queries.Add(("near", RandomVectors.Normalize(near)));
        }
        var truth = new HashSet<int>[queries.Count];
        Parallel.For(0, queries.Count, q => truth[q] = TopK(vectors, queries[q].Vector, 10));

        // ---- API search, concurrency 1 ----
        var bodies = queries.Select(q =>
            $"{{\"vectorString\":\"{AppendVector(new StringBuilder(), q.Vector)}\",\"topK\":10}}").ToArray();
        async Task<(double Ms, string Body)> SearchOn(HttpClient client, int q)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.PostAsync($"/groups/{group}/vectors/search",
                new StringContent(bodies[q], Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            watch.Stop();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"search: {(int)response.StatusCode} {text}");
            return (watch.Elapsed.TotalMilliseconds, text);
        }
        Task<(double Ms, string Body)> Search(int q) => SearchOn(http, q);

        // The first search makes the Api load its in-memory scan copy of the group in the background (searches go to
        // HNSW meanwhile); the warm-up lasts long enough for that, and is the same for both Apis.
        async Task<int> WarmUp(HttpClient client)
        {
            var until = Stopwatch.StartNew();
            var n = 0;
            while (until.Elapsed.TotalSeconds < a.WarmupSeconds) await SearchOn(client, n++ % queries.Count);
            return n;
        }

        async Task<(List<double> Latency, Dictionary<string, (int Hit, int All)> Recall)> Measure(HttpClient client)
        {
            var latency = new List<double>();
            var found = new Dictionary<string, (int Hit, int All)> { ["random"] = (0, 0), ["near"] = (0, 0) };
            for (var i = 0; i < Math.Max(a.LatencyRequests, queries.Count); i++)
            {
                var q = i % queries.Count;
                var (ms, text) = await SearchOn(client, q);
                latency.Add(ms);
                if (i < queries.Count)
                {
                    var ids = JsonDocument.Parse(text).RootElement.EnumerateArray()
                        .Select(h => int.Parse(h.GetProperty("id").GetString()![1..], CultureInfo.InvariantCulture));
                    var hit = ids.Count(truth[q].Contains);
                    var (h, n) = found[queries[q].Kind];
                    found[queries[q].Kind] = (h + hit, n + 10);
                }
            }
            return (latency, found);
        }

        var warmups = await WarmUp(http);
        var (apiLatency, recall) = await Measure(http);

        // ---- API search, concurrency 16 ----
        var (throughput, loadedLatency) = await Throughput(16, TimeSpan.FromSeconds(a.Seconds),
            async i => (await Search(i % queries.Count)).Ms);

        // ---- raw VSIM with the store's parameters (COUNT 50, EF 500), same queries, one connection ----
        var blobs = queries.Select(q => Blob(q.Vector)).ToArray();
        async Task<(double Ms, RedisValue[] Ids)> Vsim(int q, int count, int ef)
        {
            var watch = Stopwatch.StartNew();
            var reply = await db.ExecuteAsync("VSIM", vectorSet, "FP32", blobs[q], "COUNT", count, "EF", ef);
            watch.Stop();
            return (watch.Elapsed.TotalMilliseconds, (RedisValue[])reply!);
        }
        for (var i = 0; i < 50; i++) await Vsim(i % queries.Count, 50, 500);
        var vsimLatency = new List<double>();
        for (var i = 0; i < Math.Max(a.LatencyRequests, queries.Count); i++)
            vsimLatency.Add((await Vsim(i % queries.Count, 50, 500)).Ms);

        List<double>? indexLatency = null;
        Dictionary<string, (int Hit, int All)>? indexRecall = null;
        if (a.IndexApi is not null)
        {
            using var index = new HttpClient { BaseAddress = new Uri(a.IndexApi), Timeout = TimeSpan.FromSeconds(120) };
            index.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
            await WarmUp(index);
            (indexLatency, indexRecall) = await Measure(index);
        }

        Line("## Vector search (POST /groups/{g}/vectors/search, topK 10)");
        Line("");
        Line($"Warm-up: {warmups} searches in {a.WarmupSeconds} s before measuring.");
        Line("");
        Line("| measure | value | target |");
        Line("|---|---|---|");
        Line($"| API p50 / p99 at concurrency 1 ({apiLatency.Count} requests) | " +
             $"{Percentile(apiLatency, 50):F2} ms / {Percentile(apiLatency, 99):F2} ms | p50 ≤ 5 ms |");
        Line($"| API throughput at concurrency 16 ({a.Seconds} s) | {throughput:N0} req/s " +
             $"(p50 {Percentile(loadedLatency, 50):F1} ms, p99 {Percentile(loadedLatency, 99):F1} ms) | |");
        Line($"| recall@10, near-duplicate queries (stored vector + noise) | {Ratio(recall["near"]):F4} | ≥ 0.98 |");
        Line($"| recall@10, random-direction queries (worst case for HNSW) | {Ratio(recall["random"]):F4} | ≥ 0.98 |");
        Line($"| raw VSIM p50 / p99 (COUNT 50, EF 500 as the store asks) | " +
             $"{Percentile(vsimLatency, 50):F2} ms / {Percentile(vsimLatency, 99):F2} ms | |");
        Line($"| API p50 / raw VSIM p50 | {Percentile(apiLatency, 50) / Percentile(vsimLatency, 50):F2}× | ≤ 1.5× |");
        Line("");
        if (indexLatency is not null && indexRecall is not null)
        {
            Line("Search paths compared (same data, same queries, concurrency 1):");
            Line("");
            Line("| path | p50 | p99 | recall@10 near | recall@10 random |");
            Line("|---|---|---|---|---|");
            Line($"| Api, scan copy (default) | " +
                 $"{Percentile(apiLatency, 50):F2} ms | {Percentile(apiLatency, 99):F2} ms | " +
                 $"{Ratio(recall["near"]):F4} | {Ratio(recall["random"]):F4} |");
            Line($"| Api, HNSW only (ScanCacheMegabytes=0) | " +
                 $"{Percentile(indexLatency, 50):F2} ms | {Percentile(indexLatency, 99):F2} ms | " +
                 $"{Ratio(indexRecall["near"]):F4} | {Ratio(indexRecall["random"]):F4} |");
            Line($"| raw VSIM (COUNT 50, EF 500, no rerank, no HTTP) | " +
                 $"{Percentile(vsimLatency, 50):F2} ms | {Percentile(vsimLatency, 99):F2} ms | | |");
            Line("| HNSW-only Api p50 / raw VSIM p50 | " +
                 $"{Percentile(indexLatency, 50) / Percentile(vsimLatency, 50):F2}× | | | |");
            Line("");
        }

        // ---- raw VSIM EF table with the store's exact rerank done here ----
        Line("## Raw VSIM recall/latency by EF (COUNT 50 candidates, exact float32 rerank to the top 10, " +
             "as the store does)");
        Line("");
        Line("| EF | VSIM p50 | recall@10 near | recall@10 random |");
        Line("|---|---|---|---|");
        foreach (var ef in new[] { 50, 100, 200, 500, 1000 })
        {
            var lat = new List<double>();
            var r = new Dictionary<string, (int Hit, int All)> { ["random"] = (0, 0), ["near"] = (0, 0) };
            for (var q = 0; q < queries.Count; q++)
            {
                var (ms, ids) = await Vsim(q, 50, ef);
                lat.Add(ms);
                var top = ids.Select(id => int.Parse(((string)id!)[1..], CultureInfo.InvariantCulture))
                    .OrderByDescending(i => Dot(vectors[i], queries[q].Vector)).Take(10);
                var (h, n) = r[queries[q].Kind];
                r[queries[q].Kind] = (h + top.Count(truth[q].Contains), n + 10);
            }
            Line($"| {ef}{(ef == 500 ? " (default)" : "")} | {Percentile(lat, 50):F2} ms | " +
                 $"{Ratio(r["near"]):F4} | {Ratio(r["random"]):F4} |");
        }
        Line("");

        // ---- face search end to end ----
        if (a.Faces)
        {
            var image = BenchmarkImages.Load(BenchmarkImages.SingleFace);
            async Task<double> FaceSearch(int _)
            {
                using var form = new MultipartFormDataContent();
                var part = new ByteArrayContent(image);
                part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(part, "queryImage", "query.jpg");
                var watch = Stopwatch.StartNew();
                using var response = await http.PostAsync($"/groups/{group}/faces/search?topK=10", form);
                var text = await response.Content.ReadAsStringAsync();
                watch.Stop();
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"face search: {(int)response.StatusCode} {text}");
                return watch.Elapsed.TotalMilliseconds;
            }
            for (var i = 0; i < 5; i++) await FaceSearch(i);
            var single = new List<double>();
            for (var i = 0; i < 40; i++) single.Add(await FaceSearch(i));
            var (images, loaded) = await Throughput(2, TimeSpan.FromSeconds(a.Seconds), FaceSearch);
            Line($"## Face search end to end (POST /groups/{{g}}/faces/search, single-face 640×480 JPEG, " +
                 $"{a.Vectors:N0}-vector group)");
            Line("");
            Line($"- concurrency 1: p50 **{Percentile(single, 50):F1} ms**, " +
                 $"p99 {Percentile(single, 99):F1} ms ({single.Count} requests)");
            if (a.Inference is not null)
            {
                // The same image straight to the Inference service, as the Api sends it: the share of the pipeline.
                using var inference = new HttpClient
                {
                    BaseAddress = new Uri(a.Inference),
                    Timeout = TimeSpan.FromSeconds(120)
                };
                async Task<double> Analyze(int _)
                {
                    using var content = new ByteArrayContent(image);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    var watch = Stopwatch.StartNew();
                    using var response = await inference.PostAsync("/v1/analyze?embed=largest", content);
                    await response.Content.ReadAsStringAsync();
                    watch.Stop();
                    response.EnsureSuccessStatusCode();
                    return watch.Elapsed.TotalMilliseconds;
                }
                for (var i = 0; i < 5; i++) await Analyze(i);
                var direct = new List<double>();
                for (var i = 0; i < 40; i++) direct.Add(await Analyze(i));
                Line("- of which Inference alone (POST /v1/analyze?embed=largest, same image, concurrency 1): " +
                     $"p50 {Percentile(direct, 50):F1} ms");
            }
            Line($"- concurrency 2: **{images:F1} images/s** (p50 {Percentile(loaded, 50):F1} ms) for {a.Seconds} s");
            Line("");
        }

        if (a.Out is not null) await File.WriteAllTextAsync(a.Out, report.ToString());
        return 0;
    }

    internal static async Task<(double PerSecond, List<double> Latency)> Throughput(int concurrency, TimeSpan duration,
        Func<int, Task<double>> call)
    {
        var latency = new List<double>();
        var count = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                var ms = await call(Interlocked.Increment(ref count));
                lock (latency) latency.Add(ms);
            }
        })));
        return (latency.Count / watch.Elapsed.TotalSeconds, latency);
    }

    internal static long UsedMemory(IServer server) =>
        long.Parse(server.Info("memory").SelectMany(g => g).First(p => p.Key == "used_memory").Value,
            CultureInfo.InvariantCulture);

    internal static HashSet<int> TopK(float[][] vectors, float[] query, int k, Func<int, bool>? where = null)
    {
        var best = new PriorityQueue<int, float>();
        for (var i = 0; i < vectors.Length; i++)
        {
            if (where is not null && !where(i)) continue;
            var score = Dot(vectors[i], query);
            if (best.Count < k) best.Enqueue(i, score);
            else if (best.TryPeek(out _, out var worst) && score > worst) best.EnqueueDequeue(i, score);
        }
        return best.UnorderedItems.Select(x => x.Element).ToHashSet();
    }

    private static float Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    /// <summary>Upserts vectors[from..to) in one request, with ids prefix + a seven-digit index.</summary>
    /// <summary>Upserts vectors [from, to) as ids prefix + index, each with metadata {"event": …} when
    /// <paramref name="eventOf"/> gives one.</summary>
    internal static async Task Upsert(HttpClient http, string group, float[][] vectors, int from, int to, string prefix,
        Func<int, string?>? eventOf = null)
    {
        var body = new StringBuilder("{\"vectors\":[");
        for (var i = from; i < to; i++)
        {
            if (i > from) body.Append(',');
            body.Append("{\"id\":\"").Append(prefix).Append(i.ToString("D7", CultureInfo.InvariantCulture))
                .Append("\",\"vectorString\":\"");
            AppendVector(body, vectors[i]);
            body.Append('"');
            if (eventOf?.Invoke(i) is { } ev) body.Append(",\"metadata\":{\"event\":\"").Append(ev).Append("\"}");
            body.Append('}');
        }
        body.Append("]}");
        using var response = await http.PostAsync($"/groups/{group}/vectors/upsert",
            new StringContent(body.ToString(), Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException(
                $"upsert: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    internal static StringBuilder AppendVector(StringBuilder text, float[] v)
    {
        for (var i = 0; i < v.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(v[i].ToString("R", CultureInfo.InvariantCulture));
        }
        return text;
    }

    private static byte[] Blob(float[] v)
    {
        var bytes = new byte[v.Length * 4];
        Buffer.BlockCopy(v, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    internal static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
    }

    private static double Ratio((int Hit, int All) r) => r.All == 0 ? double.NaN : r.Hit / (double)r.All;

    private sealed record Arguments(string Api, string AdminKey, string Redis, int Vectors, int Dims, int Queries,
        int LatencyRequests, int Seconds, bool Faces, string? Out, string? IndexApi, int WarmupSeconds,
        string? Inference)
    {
        public static Arguments Parse(string[] args)
        {
            var map = new Dictionary<string, string>();
            for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
            string Get(string name, string? fallback = null) =>
                map.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");
            return new Arguments(Get("api"), Get("admin-key"), Get("redis"), int.Parse(Get("vectors", "100000")),
                int.Parse(Get("dims", "512")),
                int.Parse(Get("queries", "200")), int.Parse(Get("latency-requests", "1000")),
                int.Parse(Get("seconds", "10")), bool.Parse(Get("faces", "true")), map.GetValueOrDefault("out"),
                map.GetValueOrDefault("index-api"), int.Parse(Get("warmup-seconds", "20")),
                map.GetValueOrDefault("inference"));
        }
    }
}
