using System.Diagnostics;
using System.Globalization;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Benchmarks.StoreLoad;

/// <summary>
/// The store alone against a running Redis (no HTTP), for the Redis figures of docs/operations.md:
/// <code>
/// store-load   --redis CS [--vectors 100000] [--dims 512] [--batch 100] [--in-flight 2] [--group restart]
///              loads random unit vectors through FaceStore.UpsertAsync (the Api's write path) into one group
/// store-upsert --redis CS [--durability none|local|replica] [--seconds 10] [--concurrency 1] [--batch 1]
///              [--dims 512]
///              upsert throughput and latency under a durability mode (eng/bench-durability.sh)
/// store-search --redis CS [--durability replica] [--split yes|no] [--seconds 10] [--writers 4] [--searchers 2]
///              [--dims 512]
///              search latency (VSIM, no in-memory copies) while writers upsert under the durability mode, with
///              writes and waits on a connection of their own (split yes, as the services run) or on the searches'
///              connection (split no, as before) (eng/bench-durability.sh --search)
/// </code>
/// </summary>
public static class StoreBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var mode = args[0];
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
        string Get(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
        int Int(string name, int fallback) =>
            int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var storeOptions = new VectorStoreOptions { Durability = Get("durability", "none") };
        var connectionString = Get("redis", "127.0.0.1:6379") + ",asyncTimeout=60000,syncTimeout=60000";
        using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var dims = Int("dims", 512);
        if (mode == "store-search")
        {
            // Searches through VSIM (no in-memory copies), so each one is a round trip on the read connection.
            storeOptions.ScanCacheMegabytes = 0;
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(
                new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString }).Build();
            await using var writes = Get("split", "yes") == "yes"
                ? new RedisWriteConnection(redis, configuration)
                : new RedisWriteConnection(redis);
            var durability = new RedisDurability(redis, Options.Create(storeOptions), writes: writes);
            var searched = new FaceStore(redis, Options.Create(storeOptions), TimeProvider.System,
                durability: durability);
            return await SearchUnderWritesAsync(searched, Get("split", "yes"), TimeSpan.FromSeconds(Int("seconds", 10)),
                Int("writers", 4), Int("searchers", 2), dims);
        }
        var store = new FaceStore(redis, Options.Create(storeOptions), TimeProvider.System);
        return mode switch
        {
            "store-load" => await LoadAsync(store, Get("group", "restart"), Int("vectors", 100_000), dims,
                Int("batch", 100), Int("in-flight", 2)),
            "store-upsert" => await UpsertAsync(store, storeOptions.Durability,
                TimeSpan.FromSeconds(Int("seconds", 10)), Int("concurrency", 1), Int("batch", 1), dims),
            _ => throw new ArgumentException("mode: store-load, store-upsert or store-search"),
        };
    }

    private static async Task<int> LoadAsync(FaceStore store, string group, int count, int dims, int batch,
        int inFlight)
    {
        const string tenant = "bench";
        if (await store.GetGroupAsync(tenant, group) is null) await store.CreateGroupAsync(tenant, group);
        var watch = Stopwatch.StartNew();
        var next = -1;
        var done = 0;
        var batches = (count + batch - 1) / batch;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var random = new Random(b);
                var items = new List<VectorWrite>(batch);
                for (var i = b * batch; i < Math.Min(count, (b + 1) * batch); i++)
                    items.Add(new VectorWrite(RandomVectors.Unit(random, dims), null, VectorSources.Vector,
                        "v" + i.ToString("D7", CultureInfo.InvariantCulture)));
                // An upsert by id can be repeated; a stall (an AOF rewrite forking a big process on a busy machine)
                // should not end a load of minutes.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await store.UpsertAsync(tenant, group, items);
                        break;
                    }
                    catch (RedisTimeoutException e) when (attempt < 5)
                    {
                        Console.WriteLine($"batch {b}: {e.Message[..Math.Min(80, e.Message.Length)]}…; repeating it");
                    }
                }
                var total = Interlocked.Add(ref done, items.Count);
                if (total / 10_000 != (total - items.Count) / 10_000)
                {
                    var seconds = watch.Elapsed.TotalSeconds;
                    Console.WriteLine($"{total} vectors in {seconds:F0} s ({total / seconds:F0}/s)");
                }
            }
        })));
        Console.WriteLine($"loaded {done} {dims}-d vectors into {tenant}/{group} in {watch.Elapsed.TotalSeconds:F1} s" +
                          $" ({done / watch.Elapsed.TotalSeconds:F0} vectors/s)");
        return 0;
    }

    private static async Task<int> UpsertAsync(FaceStore store, string durability, TimeSpan duration, int concurrency,
        int batch, int dims)
    {
        const string tenant = "bench";
        var group = "upsert-" + Guid.NewGuid().ToString("N")[..8];
        await store.CreateGroupAsync(tenant, group);
        // Warm-up: a group of a few thousand vectors, so the HNSW insert costs what it does in a used group.
        var warm = new Random(7);
        for (var b = 0; b < 20; b++)
        {
            var items = Enumerable.Range(0, 100)
                .Select(i => new VectorWrite(RandomVectors.Unit(warm, dims), null, VectorSources.Vector, $"w{b}-{i}"))
                .ToList();
            try
            {
                await store.UpsertAsync(tenant, group, items);
            }
            catch (DurabilityException)
            {
                // Stored, only not confirmed in time (local with appendfsync everysec): the warm-up needs no more.
            }
        }

        var latencies = new List<double>[concurrency];
        var failures = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var random = new Random(100 + w);
            var mine = latencies[w] = [];
            var n = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var items = Enumerable.Range(0, batch)
                    .Select(i => new VectorWrite(RandomVectors.Unit(random, dims), null, VectorSources.Vector,
                        $"u{w}-{n}-{i}"))
                    .ToList();
                n++;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await store.UpsertAsync(tenant, group, items);
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (RedisException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));
        var elapsed = watch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"durability={durability} concurrency={concurrency} batch={batch} dims={dims}: " +
            $"{all.Length * batch / elapsed:F0} vectors/s, " +
            $"p50 {P(0.5):F2} ms, p99 {P(0.99):F2} ms, {all.Length} calls, {failures} failed"));
        await store.DeleteGroupAsync(tenant, group);
        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> SearchUnderWritesAsync(FaceStore store, string split, TimeSpan duration,
        int writers, int searchers, int dims)
    {
        const string tenant = "bench";
        var group = "search-" + Guid.NewGuid().ToString("N")[..8];
        await store.CreateGroupAsync(tenant, group);
        var warm = new Random(7);
        for (var b = 0; b < 20; b++)
            await store.UpsertAsync(tenant, group, Enumerable.Range(0, 100)
                .Select(i => new VectorWrite(RandomVectors.Unit(warm, dims), null, VectorSources.Vector, $"w{b}-{i}"))
                .ToList());

        var searches = new List<double>[searchers];
        var written = 0;
        var failures = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var watch = Stopwatch.StartNew();
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(100 + w);
            for (var n = 0; Stopwatch.GetTimestamp() < stopAt; n++)
            {
                try
                {
                    await store.UpsertAsync(tenant, group,
                        [new VectorWrite(RandomVectors.Unit(random, dims), null, VectorSources.Vector, $"u{w}-{n}")]);
                    Interlocked.Increment(ref written);
                }
                catch (RedisException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        var searching = Enumerable.Range(0, searchers).Select(s => Task.Run(async () =>
        {
            var random = new Random(900 + s);
            var mine = searches[s] = [];
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                await store.SearchAsync(tenant, group, RandomVectors.Unit(random, dims), 10, null);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        await Task.WhenAll(writing.Concat(searching));
        var elapsed = watch.Elapsed.TotalSeconds;
        var all = searches.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"split={split} writers={writers} searchers={searchers} dims={dims}: search p50 {P(0.5):F2} ms, " +
            $"p99 {P(0.99):F2} ms, {all.Length / elapsed:F0} searches/s, {written / elapsed:F0} upserts/s, " +
            $"{failures} failed writes"));
        await store.DeleteGroupAsync(tenant, group);
        return 0;
    }
}
