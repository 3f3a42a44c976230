using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using static FacePing.Benchmarks.ApiLoad.ApiLoadBench;

namespace FacePing.Benchmarks.ApiLoad;

/// <summary>
/// One large group through the Api (eng/bench-million.sh starts Redis with the shipped settings and one Api): bulk
/// load of face-like vectors (identities: a random centre each, every vector the centre plus per-photo noise,
/// normalised), its acknowledged rate and Redis memory per vector, searches right after the load and once the HNSW
/// graph caught up (p50/p99 at concurrency 1 and 16, recall@10 against brute force), the time until the graph caught
/// up, and the Api's scan-copy memory. Ends with a burst of writes, after which the script kills Redis.
/// Usage: FacePing.Benchmarks million --api URL --admin-key KEY --redis HOST:PORT [--vectors N] [--dims 640]
///        [--per-identity 5] [--batch 100] [--in-flight 4] [--queries 100] [--seconds 10] [--burst 5000]
///        [--graph-api URL (an Api without scan copies: the graph's own recall)] [--events N (filtered searches too)]
/// </summary>
public static class MillionBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        int Int(string name, int fallback) =>
            map.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var (count, dims, perIdentity) = (Int("vectors", 100_000), Int("dims", 640), Int("per-identity", 5));
        var (batch, inFlight, queryCount) = (Int("batch", 100), Int("in-flight", 4), Int("queries", 100));
        var (seconds, burst) = (Int("seconds", 10), Int("burst", 5000));
        // --events N: each identity's vectors carry metadata {"event": "e<identity mod N>"}, and once the graph is
        // built searches filtered by the query's own event are measured too (each matches 1/N of the group).
        var events = Int("events", 0);
        string? EventOf(int i) => events > 0 ? $"e{i / perIdentity % events}" : null;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
        {
            BaseAddress = new Uri(map["api"]), Timeout = TimeSpan.FromSeconds(300),
        };
        using var redis = await ConnectionMultiplexer.ConnectAsync(map["redis"] + ",allowAdmin=true");
        // One server, or every master of a cluster (eng/bench-million.sh --cluster): memory and rewrites are summed.
        var servers = redis.GetServers().Where(s => !s.IsReplica).OrderBy(s => s.EndPoint.ToString()).ToArray();
        var server = servers[0];
        using var adminRequest = new HttpRequestMessage(HttpMethod.Post, "/admin/keys")
        {
            Content = JsonContent.Create(new { name = "million" }),
        };
        adminRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", map["admin-key"]);
        using var created = await http.SendAsync(adminRequest);
        created.EnsureSuccessStatusCode();
        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            key.GetProperty("key").GetString());
        const string group = "million";
        (await http.PostAsync($"/groups/{group}", null)).EnsureSuccessStatusCode();

        Console.WriteLine(
            $"# {count:N0} face-like {dims}-d vectors in one group, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores; Redis {server.Version} ({servers.Length} " +
                          $"master{(servers.Length > 1 ? "s" : "")}); load average " +
                          $"{LoadAverage()} at start");

        // ---- face-like vectors ----
        var random = new Random(42);
        var vectors = new float[count][];
        float[]? centre = null;
        for (var i = 0; i < count; i++)
        {
            if (i % perIdentity == 0) centre = RandomVectors.Unit(random, dims);
            vectors[i] = Noisy(random, centre!, 0.7f);
        }

        // ---- bulk load ----
        var memoryBefore = UsedMemory(servers);
        var next = -1;
        var batches = (count + batch - 1) / batch;
        var perSecond = new List<double>();
        var watch = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            var last = 0;
            var lastTime = watch.Elapsed;
            while (Volatile.Read(ref next) < batches)
            {
                await Task.Delay(1000);
                var done = Math.Min(Volatile.Read(ref next), batches) * batch;
                var now = watch.Elapsed;
                lock (perSecond) perSecond.Add((done - last) / (now - lastTime).TotalSeconds);
                (last, lastTime) = (done, now);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
                await Upsert(http, group, vectors, b * batch, Math.Min(count, (b + 1) * batch), "v", EventOf);
        })));
        watch.Stop();
        await sampler;
        var memoryAfter = UsedMemory(servers);
        var pendingAfterLoad = await Pending(http, group);
        Console.WriteLine(
            $"## Load: {count:N0} vectors, {batch} per request, {inFlight} in flight, shipped durability");
        Console.WriteLine($"- {watch.Elapsed.TotalSeconds:F1} s: **{count / watch.Elapsed.TotalSeconds:N0} " +
                          "vectors/s** " +
                          $"acknowledged (median of 1-s samples {Median(perSecond):N0}/s); load average " +
                          $"{LoadAverage()}");
        Console.WriteLine($"- Redis used_memory delta {(memoryAfter - memoryBefore) / (double)count:N0} bytes/vector " +
                          $"(with {pendingAfterLoad:N0} still pending, i.e. not yet in the graph)");

        // ---- queries and truth ----
        var queries = new float[queryCount][];
        var sources = new int[queryCount];
        for (var q = 0; q < queryCount; q++)
        {
            sources[q] = random.Next(count);
            queries[q] = Noisy(random, vectors[sources[q]], 0.5f);
        }
        var truth = new HashSet<int>[queryCount];
        Parallel.For(0, queryCount, q => truth[q] = TopK(vectors, queries[q], 10));
        // The true top 10 holds the query's own identity (its other photos: the answers a face search is for) and the
        // nearest of the rest, whose scores barely stand out from the other vectors'.
        var own = truth.Select((t, q) => t.Where(i => i / perIdentity == sources[q] / perIdentity).ToHashSet())
            .ToArray();
        var bodies = queries.Select(q =>
            $"{{\"vectorString\":\"{AppendVector(new StringBuilder(), q)}\",\"topK\":10}}").ToArray();
        // Filtered by the query's own event: the truth is the top 10 among that event's vectors (the identity's own
        // photos are all in it).
        var filteredTruth = new HashSet<int>[events > 0 ? queryCount : 0];
        Parallel.For(0, filteredTruth.Length,
            q => filteredTruth[q] = TopK(vectors, queries[q], 10, i => EventOf(i) == EventOf(sources[q])));
        var filteredBodies = Enumerable.Range(0, filteredTruth.Length).Select(q =>
            $"{{\"vectorString\":\"{AppendVector(new StringBuilder(), queries[q])}\",\"topK\":10," +
            $"\"metadata\":{{\"event\":\"{EventOf(sources[q])}\"}}}}").ToArray();

        using var graphHttp = map.TryGetValue("graph-api", out var graphApi)
            ? new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
            {
                BaseAddress = new Uri(graphApi), Timeout = TimeSpan.FromSeconds(300),
            }
            : null;
        graphHttp?.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;

        async Task<(double Ms, int Hits, int Own)> Search(int q, HttpClient? through = null, bool filtered = false)
        {
            var w = Stopwatch.StartNew();
            using var response = await (through ?? http).PostAsync($"/groups/{group}/vectors/search",
                new StringContent(filtered ? filteredBodies[q] : bodies[q], Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            w.Stop();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"search: {(int)response.StatusCode} {text}");
            var ids = JsonDocument.Parse(text).RootElement.EnumerateArray()
                .Select(h => int.Parse(h.GetProperty("id").GetString()![1..], CultureInfo.InvariantCulture)).ToList();
            return (w.Elapsed.TotalMilliseconds, ids.Count((filtered ? filteredTruth : truth)[q].Contains),
                ids.Count(own[q].Contains));
        }

        async Task FilteredSearches(string when, HttpClient? through = null)
        {
            var latency = new List<double>();
            var (hits, ownHits) = (0, 0);
            for (var q = 0; q < queryCount; q++)
            {
                var (ms, h, o) = await Search(q, through, filtered: true);
                latency.Add(ms);
                (hits, ownHits) = (hits + h, ownHits + o);
            }
            Console.WriteLine($"- {when}: concurrency 1 p50 {Percentile(latency, 50):F1} ms, p99 " +
                              $"{Percentile(latency, 99):F1} ms, recall@10 {hits / (10.0 * queryCount):F4} " +
                              $"(own identity {ownHits / (double)own.Sum(o => o.Count):F4})");
        }

        async Task Searches(string when, HttpClient? through = null)
        {
            var latency = new List<double>();
            var (hits, ownHits) = (0, 0);
            for (var q = 0; q < queryCount; q++)
            {
                var (ms, h, o) = await Search(q, through);
                latency.Add(ms);
                (hits, ownHits) = (hits + h, ownHits + o);
            }
            var (rate, loaded) = await Throughput(16, TimeSpan.FromSeconds(seconds),
                async i => (await Search(i % queryCount, through)).Ms);
            Console.WriteLine($"- {when}: concurrency 1 p50 {Percentile(latency, 50):F1} ms, p99 " +
                              $"{Percentile(latency, 99):F1} ms, recall@10 {hits / (10.0 * queryCount):F4} " +
                              $"(own identity {ownHits / (double)own.Sum(o => o.Count):F4}); " +
                              $"concurrency 16 p50 {Percentile(loaded, 50):F1} ms, " +
                              $"p99 {Percentile(loaded, 99):F1} ms," +
                              $" {rate:N0}/s; load average {LoadAverage()}");
        }

        Console.WriteLine("## Search (near-duplicate queries: a stored face plus noise)");
        var first = await Search(0);
        Console.WriteLine($"- first search after the load: {first.Ms:F0} ms, {first.Hits}/10 of the true top 10");
        await Searches("right after the load");

        // ---- the graph catches up ----
        var catchUp = Stopwatch.StartNew();
        long pending;
        while ((pending = await Pending(http, group)) > 0) await Task.Delay(1000);
        Console.WriteLine($"## HNSW caught up {(watch.Elapsed + catchUp.Elapsed).TotalSeconds:F0} s after the load " +
                          $"started ({catchUp.Elapsed.TotalSeconds:F0} s after it ended): " +
                          $"{pendingAfterLoad / Math.Max(catchUp.Elapsed.TotalSeconds, 0.001):N0} vectors/s indexed " +
                          $"after the load");
        // The indexer asks Redis for an AOF rewrite once a large build drains (the graph goes into the file's base):
        // the figures below are of the built graph at rest, not of searches sharing the 2 cores with a forked rewrite.
        var settle = Stopwatch.StartNew();
        await Task.Delay(2000);
        while (servers.Any(RewriteRunning)) await Task.Delay(500);
        Console.WriteLine($"- AOF rewrite after the build done {settle.Elapsed.TotalSeconds:F0} s after it caught up " +
                          $"({servers.Sum(s => int.Parse(Persistence(s, "aof_rewrites")))} rewrites in all)");
        if (servers.Length > 1)
        {
            Console.WriteLine("- used_memory per master: " +
                string.Join(", ", servers.Select(s => $"{s.EndPoint} {UsedMemory([s]) / 1048576.0:N0} MiB")));
        }
        var memoryIndexed = UsedMemory(servers);
        Console.WriteLine($"- Redis used_memory delta {(memoryIndexed - memoryBefore) / (double)count:N0} " +
                          "bytes/vector with the graph built");
        await Searches("graph built");
        if (graphHttp is not null) await Searches("graph built, HNSW graph alone (Api without scan copy)", graphHttp);
        if (events > 0)
        {
            Console.WriteLine(
                $"## Filtered by the query's own event ({events} events, ~{count / events:N0} vectors each)");
            await FilteredSearches("through the scan copy");
            if (graphHttp is not null) await FilteredSearches("HNSW graph alone (VSIM FILTER)", graphHttp);
        }

        // ---- burst, then the script kills Redis ----
        var burstWatch = Stopwatch.StartNew();
        var burstVectors = vectors.Take(burst).ToArray();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(t => Task.Run(async () =>
        {
            for (var b = t; b * batch < burst; b += inFlight)
                await Upsert(http, group, burstVectors, b * batch, Math.Min(burst, (b + 1) * batch), "burst");
        })));
        Console.WriteLine($"## Burst: {burst:N0} new vectors in {burstWatch.Elapsed.TotalSeconds:F1} s, then SIGKILL");
        return 0;
    }

    private static long UsedMemory(IServer[] servers) => servers.Sum(ApiLoadBench.UsedMemory);

    private static bool RewriteRunning(IServer server) =>
        Persistence(server, "aof_rewrite_in_progress") != "0" || Persistence(server, "aof_rewrite_scheduled") != "0";

    private static string Persistence(IServer server, string field) =>
        server.Info("persistence").SelectMany(g => g).FirstOrDefault(e => e.Key == field).Value ?? "?";

    private static float[] Noisy(Random random, float[] centre, float amount)
    {
        var noise = RandomVectors.Unit(random, centre.Length);
        var v = new float[centre.Length];
        for (var d = 0; d < v.Length; d++) v[d] = centre[d] + amount * noise[d];
        return RandomVectors.Normalize(v);
    }

    private static async Task<long> Pending(HttpClient http, string group)
    {
        var groups = await http.GetFromJsonAsync<JsonElement[]>("/groups");
        return groups!.Single(g => g.GetProperty("name").GetString() == group).GetProperty("pendingIndex").GetInt64();
    }

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : Percentile(values, 50);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";
}
