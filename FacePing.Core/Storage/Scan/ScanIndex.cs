using System.Collections.Concurrent;
using System.Diagnostics;
using FacePing.Core.Vectors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Core.Storage.Scan;

/// <summary>
/// This process's in-memory copies of the groups it searches (<see cref="GroupScan"/>), kept exact with Redis:
/// every write bumps the group's <c>rev</c> and appends the id to the group's change log in the same Lua script, so a
/// search that reads <c>rev</c> (in the round trip it makes anyway) knows whether its copy is current, and catches up
/// by re-reading only the changed ids. Redis stays the only state: a copy is loaded on first use, in the background,
/// and can be dropped at any time (a restart, the memory budget, a log that has moved past it); until it is back,
/// searches go to the HNSW index. Time comes from the store's <see cref="TimeProvider"/> (which copy was used least
/// recently, how long a refused group waits).
/// </summary>
public sealed partial class ScanIndex(IConnectionMultiplexer redis, IOptions<VectorStoreOptions> options,
    TimeProvider clock, ILogger<ScanIndex> logger)
{
    // Vectors read per round trip while loading: small enough (~0.5 MB for 512-d) that searches and writes sharing the
    // multiplexed Redis connection are not held up behind a load for long.
    private const int PageSize = 256;
    /// <summary>
    /// The group hash fields a search and a load read: createdAt, dims, then what <see cref="Version"/> needs.
    /// </summary>
    internal static readonly RedisValue[] HeadFields = ["createdAt", "dims", "rev", "gen", "shards"];
    private static readonly RedisValue[] VectorFields =
        ["group", VectorEncoding.Float32Field, VectorEncoding.HalfField, "meta"];
    private static readonly TimeSpan RefusalTime = TimeSpan.FromMinutes(5);

    private readonly VectorStoreOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, GroupScan> _ready = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _loading = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _refused = new(StringComparer.Ordinal);

    private long _served;

    /// <summary>Searches answered from a copy (tests and benchmarks tell the two paths apart with it).</summary>
    internal long Served => Interlocked.Read(ref _served);

    private long Budget => _options.ScanCacheMegabytes * 1024L * 1024L;

    /// <summary>The group's loaded copy, or null (not loaded, loading, or scanning is off).</summary>
    internal GroupScan? Find(string tenant, string group)
    {
        if (!_ready.TryGetValue(Key(tenant, group), out var scan)) return null;
        scan.LastUsedTicks = clock.GetTimestamp();
        return scan;
    }

    /// <summary>Starts loading the group's copy in the background unless it is there, on its way or refused.</summary>
    internal void Prefetch(string tenant, string group)
    {
        if (Budget <= 0) return;
        var key = Key(tenant, group);
        if (_ready.ContainsKey(key) || _loading.ContainsKey(key)) return;
        if (_refused.TryGetValue(key, out var until) && until > clock.GetUtcNow()) return;
        var started = new TaskCompletionSource();
        if (!_loading.TryAdd(key, started.Task)) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await LoadAsync(key, tenant, group);
            }
            catch (Exception e)
            {
                // A copy that fails to load only costs speed: searches keep using the index.
                LogLoadFailed(tenant, group, e);
            }
            finally
            {
                _loading.TryRemove(key, out _);
                started.SetResult();
            }
        });
    }

    /// <summary>Waits for a load started by <see cref="Prefetch"/> (tests, and benchmarks warming up).</summary>
    internal Task WhenLoaded(string tenant, string group) =>
        _loading.TryGetValue(Key(tenant, group), out var task) ? task : Task.CompletedTask;

    /// <summary>Drops this process's copy (the group was deleted here).</summary>
    internal void Forget(string tenant, string group) => _ready.TryRemove(Key(tenant, group), out _);

    /// <summary>
    /// Candidate ids from the copy once it reflects the group as of (<paramref name="generation"/>,
    /// <paramref name="revision"/>) read from Redis, or null when it cannot (it is dropped and reloaded; ask the
    /// index).
    /// </summary>
    internal async Task<RedisValue[]?> CandidatesAsync(GroupScan scan, string tenant, string group, string generation,
        long revision, float[] query, int count, ulong[]? required, CancellationToken cancellationToken)
    {
        if (scan.Generation != generation
            || (scan.Revision < revision && !await CatchUpAsync(scan, tenant, group, revision, cancellationToken)))
        {
            if (_ready.TryGetValue(Key(tenant, group), out var current) && ReferenceEquals(current, scan))
                _ready.TryRemove(Key(tenant, group), out _);
            Prefetch(tenant, group);
            return null;
        }
        var ids = scan.Search(query, count, required);
        Interlocked.Increment(ref _served);
        var values = new RedisValue[ids.Length];
        for (var i = 0; i < ids.Length; i++) values[i] = ids[i];
        return values;
    }

    /// <summary>
    /// Generation and revision of a group from its <see cref="HeadFields"/> (groups made before gen existed use
    /// createdAt; before rev existed, 0).
    /// </summary>
    internal static (string Generation, long Revision) Version(RedisValue[] head) =>
        (head[3].IsNull ? "c:" + head[0] : (string)head[3]!, head[2].IsNull ? 0 : (long)head[2]);

    private async Task<bool> CatchUpAsync(GroupScan scan, string tenant, string group, long needed,
        CancellationToken cancellationToken)
    {
        await scan.SyncGate.WaitAsync(cancellationToken);
        try
        {
            // Another search may have caught up while this one waited.
            if (scan.Revision >= needed) return true;
            var keys = new StoreKeys(tenant);
            var since = scan.Revision;
            var reply = (RedisResult[])(await redis.GetDatabase()
                .ScriptEvaluateAsync(StoreScripts.Changes, [keys.Group(group)],
                    [keys.Prefix, group, since, _options.ChangeLogLength]).WaitAsync(cancellationToken))!;
            if ((int)reply[0] != 2 || (string?)reply[2] != scan.Generation) return false;
            var revision = (long)reply[1];
            if (revision <= since) return true;
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 3; i < reply.Length; i++) ids.Add((string)reply[i]!);
            scan.Apply(await ReadAsync(keys, group, [.. ids], cancellationToken), revision);
            return true;
        }
        finally
        {
            scan.SyncGate.Release();
        }
    }

    private async Task LoadAsync(string key, string tenant, string group)
    {
        var started = Stopwatch.GetTimestamp();
        var keys = new StoreKeys(tenant);
        var db = redis.GetDatabase();
        // The revision is read before the vectors: whatever changes during the load is in the log after it, and the
        // first search replays those ids. Lexicographic paging visits every id that exists throughout the load.
        var head = await db.HashGetAsync(keys.Group(group), HeadFields);
        if (head[0].IsNull) return;
        var count = await db.SortedSetLengthAsync(keys.Ids(group));
        var dims = head[1].IsNull ? 0 : (int)head[1];
        var estimate = GroupScan.EstimateBytes(count, dims);
        if (estimate > Budget)
        {
            _refused[key] = clock.GetUtcNow() + RefusalTime;
            LogTooLarge(tenant, group, count, estimate >> 20, _options.ScanCacheMegabytes);
            return;
        }
        MakeRoom(estimate, key);

        var (generation, revision) = Version(head);
        var scan = new GroupScan(generation, revision);
        scan.Reserve((int)count, dims);
        RedisValue after = default;
        var exclude = Exclude.None;
        while (true)
        {
            var page = await db.SortedSetRangeByValueAsync(keys.Ids(group), after, default, exclude, Order.Ascending, 0,
                PageSize);
            if (page.Length == 0) break;
            var ids = new string[page.Length];
            for (var i = 0; i < page.Length; i++) ids[i] = page[i]!;
            scan.Apply(await ReadAsync(keys, group, ids, CancellationToken.None), scan.Revision);
            if (page.Length < PageSize) break;
            after = page[^1];
            exclude = Exclude.Start;
        }
        scan.LastUsedTicks = clock.GetTimestamp();
        _ready[key] = scan;
        LogLoaded(tenant, group, scan.Count, scan.Bytes >> 20, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // The current state of each id: its vector and filter tokens when it is in the group, else null (deleted or moved
    // away).
    private async Task<List<(string Id, float[]? Vector, ulong[] Tokens)>> ReadAsync(StoreKeys keys, string group,
        string[] ids, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var reads = new Task<RedisValue[]>[ids.Length];
        for (var i = 0; i < ids.Length; i++) reads[i] = db.HashGetAsync(keys.Vector(ids[i]), VectorFields);
        var changes = new List<(string, float[]?, ulong[])>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var v = await reads[i].WaitAsync(cancellationToken);
            changes.Add(!v[0].IsNull && (string?)v[0] == group
                ? (ids[i], VectorEncoding.Decode(v[1], v[2]), FilterTokens.Hashes(FaceStore.ParseMetadata(v[3])))
                : (ids[i], null, []));
        }
        return changes;
    }

    // Least recently searched copies go first until the new one fits.
    private void MakeRoom(long needed, string keep)
    {
        while (true)
        {
            long used = 0;
            KeyValuePair<string, GroupScan>? oldest = null;
            foreach (var entry in _ready)
            {
                used += entry.Value.Bytes;
                if (entry.Key != keep
                    && (oldest is null || entry.Value.LastUsedTicks < oldest.Value.Value.LastUsedTicks))
                    oldest = entry;
            }
            if (used + needed <= Budget || oldest is null) return;
            _ready.TryRemove(oldest.Value.Key, out _);
        }
    }

    private static string Key(string tenant, string group) => tenant + "\n" + group;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Scan copy of {Tenant}/{Group} loaded: {Count} vectors, {Megabytes} MB, {Milliseconds:F0} ms")]
    private partial void LogLoaded(string tenant, string group, int count, long megabytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Group {Tenant}/{Group} ({Count} vectors, ~{Megabytes} MB) exceeds the scan budget of {Budget} MB; " +
            "it is searched through the HNSW index")]
    private partial void LogTooLarge(string tenant, string group, long count, long megabytes, int budget);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Loading the scan copy of {Tenant}/{Group} failed; searches use the HNSW index")]
    private partial void LogLoadFailed(string tenant, string group, Exception exception);
}
