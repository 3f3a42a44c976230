using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using FacePing.Core.Metadata;
using FacePing.Core.Vectors;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// Groups and vectors of every tenant in Redis 8: vector sets (HNSW) find candidates, exact cosine on the stored
/// float32 vectors ranks them. All methods are safe for concurrent use; register once (singleton).
/// </summary>
public sealed class FaceStore(IConnectionMultiplexer redis, IOptions<VectorStoreOptions> options, TimeProvider clock)
{
    public static readonly ActivitySource Activity = new("FacePing.Store");

    private static readonly JsonSerializerOptions MetadataJson = new()
    {
        // Raw UTF-8 in the stored JSON: Lua's cjson must decode values to the same bytes C# uses for index keys.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly RedisValue[] VectorFields = ["group", "vec", "meta"];
    private static readonly RedisValue[] MetaFields = ["group", "meta"];
    private static readonly RedisValue[] GroupFields = ["createdAt", "dims"];

    private readonly VectorStoreOptions _options = options.Value;

    private IDatabase Db => redis.GetDatabase();

    // ---- groups -------------------------------------------------------------------------------------------------

    /// <summary>Creates an empty group. Throws <see cref="GroupAlreadyExistsException"/> when it exists.</summary>
    public async Task<GroupInfo> CreateGroupAsync(string tenant, string group, CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var now = clock.GetUtcNow();
        var created = (long)await Db.ScriptEvaluateAsync(StoreScripts.CreateGroup, [keys.Groups],
            [keys.Prefix, group, Timestamp(now)]).WaitAsync(cancellationToken);
        if (created == 0) throw new GroupAlreadyExistsException(group);
        return new GroupInfo(group, Truncate(now), 0, null);
    }

    /// <summary>The group, or null when it does not exist.</summary>
    public async Task<GroupInfo?> GetGroupAsync(string tenant, string group, CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var db = Db;
        var fields = db.HashGetAsync(keys.Group(group), GroupFields);
        var count = db.SortedSetLengthAsync(keys.Ids(group));
        return ToGroup(group, await fields.WaitAsync(cancellationToken), await count);
    }

    /// <summary>All groups of the tenant, ordered by name (ordinal).</summary>
    public async Task<IReadOnlyList<GroupInfo>> ListGroupsAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var db = Db;
        var names = await db.SortedSetRangeByRankAsync(keys.Groups).WaitAsync(cancellationToken);
        var fields = new Task<RedisValue[]>[names.Length];
        var counts = new Task<long>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            fields[i] = db.HashGetAsync(keys.Group(names[i]!), GroupFields);
            counts[i] = db.SortedSetLengthAsync(keys.Ids(names[i]!));
        }
        var result = new List<GroupInfo>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            // A group deleted between the two reads is simply left out.
            if (ToGroup(names[i]!, await fields[i], await counts[i]) is { } info) result.Add(info);
        }
        return result;
    }

    /// <summary>Deletes the group with all its vectors, metadata and index entries. False when it did not exist.</summary>
    public async Task<bool> DeleteGroupAsync(string tenant, string group, CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var deleted = (long)await Db.ScriptEvaluateAsync(StoreScripts.DeleteGroup, [keys.Group(group)],
            [keys.Prefix, group]).WaitAsync(cancellationToken);
        return deleted == 1;
    }

    // ---- writes ---------------------------------------------------------------------------------------------------

    /// <summary>Stores one vector under a new (or the given) id and returns the id.</summary>
    public async Task<string> AddAsync(string tenant, string group, VectorWrite item, CancellationToken cancellationToken = default) =>
        (await UpsertAsync(tenant, group, [item], cancellationToken))[0];

    /// <summary>
    /// Stores all items atomically (all or none) and returns their ids in input order. An existing id is replaced,
    /// even when it was in another group of the tenant. Throws <see cref="GroupNotFoundException"/> and
    /// <see cref="DimensionMismatchException"/>; <see cref="ArgumentException"/> for items the caller should have
    /// validated (bad id, system key in <see cref="VectorWrite.Metadata"/>, mixed dimensions).
    /// </summary>
    public async Task<IReadOnlyList<string>> UpsertAsync(string tenant, string group, IReadOnlyList<VectorWrite> items,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(items.Count);
        using var activity = Activity.StartActivity("store.upsert");
        activity?.SetTag("faceping.vectors", items.Count);

        var dims = items[0].Vector.Length;
        var keys = new StoreKeys(tenant);
        var createdAt = Timestamp(clock.GetUtcNow());
        var ids = new string[items.Count];
        var args = new RedisValue[5 + items.Count * 4];
        args[0] = keys.Prefix;
        args[1] = group;
        args[2] = dims;
        args[3] = _options.Quantization;
        args[4] = items.Count;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Vector.Length != dims) throw new ArgumentException($"Item {i} has {item.Vector.Length} dimensions; item 0 has {dims}.");
            if (item.Vector.Length is 0 or > VectorText.MaxDimensions) throw new ArgumentException($"Item {i} has {item.Vector.Length} dimensions.");
            var id = item.Id ?? Guid.CreateVersion7().ToString();
            if (!Names.IsValidId(id)) throw new ArgumentException($"Item {i}: id is not {Names.IdRule}.");
            var metadata = Compose(item, createdAt, i);
            ids[i] = id;
            var b = 5 + i * 4;
            args[b] = id;
            args[b + 1] = VectorMath.ToBytes(item.Vector);
            args[b + 2] = JsonSerializer.Serialize(metadata, MetadataJson);
            args[b + 3] = FilterTokens.Attributes(Indexed(metadata));
        }

        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(StoreScripts.Upsert, [keys.Group(group)], args)
            .WaitAsync(cancellationToken))!;
        switch ((int)reply[0])
        {
            case 1: throw new GroupNotFoundException(group);
            case 2: throw new DimensionMismatchException(group, (int)reply[1], dims);
        }
        return ids;
    }

    /// <summary>Deletes the given ids from the group; ids not in the group are reported, not an error.</summary>
    public async Task<DeleteVectorsResult> DeleteVectorsAsync(string tenant, string group, IReadOnlyList<string> ids,
        CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var args = new RedisValue[2 + ids.Count];
        args[0] = keys.Prefix;
        args[1] = group;
        for (var i = 0; i < ids.Count; i++) args[2 + i] = ids[i];
        var reply = await Db.ScriptEvaluateAsync(StoreScripts.DeleteVectors, [keys.Group(group)], args).WaitAsync(cancellationToken);
        if (reply.Resp2Type == ResultType.Integer) throw new GroupNotFoundException(group);
        var parts = (RedisResult[])reply!;
        var notFound = new string[parts.Length - 1];
        for (var i = 1; i < parts.Length; i++) notFound[i - 1] = (string)parts[i]!;
        return new DeleteVectorsResult((int)parts[0], notFound);
    }

    // ---- reads ----------------------------------------------------------------------------------------------------

    /// <summary>A stored vector of the tenant, or null (also for ids of other tenants: they are different keys).</summary>
    public async Task<StoredVector?> GetVectorAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!Names.IsValidId(id)) return null;
        var values = await Db.HashGetAsync(new StoreKeys(tenant).Vector(id), VectorFields).WaitAsync(cancellationToken);
        if (values[0].IsNull || values[1].IsNull) return null;
        return new StoredVector(id, values[0]!, VectorMath.FromBytes((byte[])values[1]!), ParseMetadata(values[2]));
    }

    /// <summary>Ids of the group in ordinal order, starting after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<string>> ListIdsAsync(string tenant, string group, int limit, string? after,
        CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var db = Db;
        var exists = db.KeyExistsAsync(keys.Group(group));
        var page = after is null
            ? db.SortedSetRangeByValueAsync(keys.Ids(group), skip: 0, take: limit)
            : db.SortedSetRangeByValueAsync(keys.Ids(group), after, default, Exclude.Start, Order.Ascending, 0, limit);
        if (!await exists.WaitAsync(cancellationToken)) throw new GroupNotFoundException(group);
        return Strings(await page);
    }

    /// <summary>
    /// The nearest <paramref name="topK"/> vectors of the group by exact cosine similarity, best first, optionally only
    /// those whose metadata has every pair of <paramref name="filter"/>.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string tenant, string group, float[] query, int topK,
        IReadOnlyDictionary<string, string>? filter, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        using var activity = Activity.StartActivity("store.search");
        var keys = new StoreKeys(tenant);
        var db = Db;
        var blob = VectorMath.ToBytes(query);
        var wanted = Math.Max(topK * _options.CandidateFactor, _options.MinCandidates);
        var groupRead = db.HashGetAsync(keys.Group(group), GroupFields);
        // Without a filter the index query goes out in the same round trip as the group check; its answer is only used
        // once the check passed (on a missing group or wrong dimension it is an error or empty, and ignored).
        var early = filter is not { Count: > 0 } ? Similar(db, keys.VectorSet(group), blob, wanted, null, cancellationToken) : null;
        var info = await groupRead.WaitAsync(cancellationToken);
        if (info[0].IsNull || info[1].IsNull || (int)info[1] != query.Length)
        {
            if (early is not null) _ = early.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            if (info[0].IsNull) throw new GroupNotFoundException(group);
            if (info[1].IsNull) return [];
            throw new DimensionMismatchException(group, (int)info[1], query.Length);
        }

        RedisValue[] candidates;
        if (early is not null || filter is null)
        {
            candidates = await early!;
        }
        else
        {
            var sets = new RedisKey[filter.Count];
            var i = 0;
            foreach (var (k, v) in filter) sets[i++] = keys.Inverted(group, k, v);
            var matching = await CountIntersection(db, sets, _options.ExactFilterScanLimit + 1).WaitAsync(cancellationToken);
            if (matching == 0) return [];
            activity?.SetTag("faceping.filter_matches", matching);
            candidates = matching <= _options.ExactFilterScanLimit
                // Few matches: score them all, exact and complete (HNSW with a selective filter can miss some).
                ? await db.SetCombineAsync(SetOperation.Intersect, sets).WaitAsync(cancellationToken)
                : await Similar(db, keys.VectorSet(group), blob, wanted, FilterTokens.Expression(filter), cancellationToken);
        }
        activity?.SetTag("faceping.candidates", candidates.Length);
        return await Rerank(db, keys, group, query, candidates, topK, filter, cancellationToken);
    }

    /// <summary>
    /// Vectors whose metadata has every pair of <paramref name="filter"/> (all of a group's vectors when it is empty),
    /// in one group or across the tenant's groups, ordered by group name then id.
    /// Throws <see cref="GroupNotFoundException"/> when <paramref name="group"/> is given and missing.
    /// </summary>
    public async Task<IReadOnlyList<MetadataMatch>> FindByMetadataAsync(string tenant, string? group,
        IReadOnlyDictionary<string, string> filter, int limit, CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var db = Db;
        string[] groups;
        if (group is not null)
        {
            if (!await db.KeyExistsAsync(keys.Group(group)).WaitAsync(cancellationToken)) throw new GroupNotFoundException(group);
            groups = [group];
        }
        else
        {
            groups = Strings(await db.SortedSetRangeByRankAsync(keys.Groups).WaitAsync(cancellationToken));
        }

        var found = new List<(string Group, string Id)>();
        foreach (var g in groups)
        {
            var remaining = limit - found.Count;
            if (remaining <= 0) break;
            string[] ids;
            if (filter.Count == 0)
            {
                ids = Strings(await db.SortedSetRangeByValueAsync(keys.Ids(g), skip: 0, take: remaining).WaitAsync(cancellationToken));
            }
            else
            {
                var sets = new RedisKey[filter.Count];
                var i = 0;
                foreach (var (k, v) in filter) sets[i++] = keys.Inverted(g, k, v);
                ids = Strings(await db.SetCombineAsync(SetOperation.Intersect, sets).WaitAsync(cancellationToken));
                Array.Sort(ids, StringComparer.Ordinal);
                if (ids.Length > remaining) ids = ids[..remaining];
            }
            foreach (var id in ids) found.Add((g, id));
        }

        var metas = new Task<RedisValue[]>[found.Count];
        for (var i = 0; i < found.Count; i++) metas[i] = db.HashGetAsync(keys.Vector(found[i].Id), MetaFields);
        var result = new List<MetadataMatch>(found.Count);
        for (var i = 0; i < found.Count; i++)
        {
            var values = await metas[i].WaitAsync(cancellationToken);
            // Skip a vector deleted or moved between the index read and this one.
            if (values[0].IsNull || (string?)values[0] != found[i].Group) continue;
            result.Add(new MetadataMatch(found[i].Id, found[i].Group, ParseMetadata(values[1])));
        }
        return result;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private async Task<RedisValue[]> Similar(IDatabase db, RedisKey set, byte[] blob, int count, string? filter,
        CancellationToken cancellationToken)
    {
        var args = new List<object>(12) { set, "FP32", blob, "COUNT", count, "EF", Math.Max(_options.SearchEf, count) };
        if (filter is not null)
        {
            args.Add("FILTER");
            args.Add(filter);
            // Selective filters need many more graph visits; the default (COUNT × 100) is the floor.
            args.Add("FILTER-EF");
            args.Add(Math.Max(count * 100, _options.ExactFilterScanLimit * 20));
        }
        var reply = await db.ExecuteAsync("VSIM", args).WaitAsync(cancellationToken);
        return reply.IsNull ? [] : (RedisValue[])reply!;
    }

    private static async Task<long> CountIntersection(IDatabase db, RedisKey[] sets, long limit)
    {
        var args = new List<object>(sets.Length + 3) { sets.Length };
        foreach (var s in sets) args.Add(s);
        args.Add("LIMIT");
        args.Add(limit);
        return (long)await db.ExecuteAsync("SINTERCARD", args);
    }

    private static async Task<IReadOnlyList<SearchHit>> Rerank(IDatabase db, StoreKeys keys, string group, float[] query,
        RedisValue[] candidates, int topK, IReadOnlyDictionary<string, string>? filter, CancellationToken cancellationToken)
    {
        var reads = new Task<RedisValue[]>[candidates.Length];
        for (var i = 0; i < candidates.Length; i++) reads[i] = db.HashGetAsync(keys.Vector((string)candidates[i]!), VectorFields);
        var scored = new List<(int Index, float Score)>(candidates.Length);
        var values = new RedisValue[candidates.Length][];
        for (var i = 0; i < candidates.Length; i++)
        {
            var v = await reads[i].WaitAsync(cancellationToken);
            // Deleted or moved since the index answered: not a hit.
            if (v[0].IsNull || (string?)v[0] != group || v[1].IsNull) continue;
            var stored = MemoryMarshal.Cast<byte, float>(((ReadOnlyMemory<byte>)v[1]).Span);
            if (stored.Length != query.Length) continue;
            values[i] = v;
            scored.Add((i, VectorMath.Cosine(query, stored)));
        }
        scored.Sort((a, b) => b.Score.CompareTo(a.Score) is var c && c != 0 ? c
            : string.CompareOrdinal((string)candidates[a.Index]!, (string)candidates[b.Index]!));

        var hits = new List<SearchHit>(Math.Min(topK, scored.Count));
        foreach (var (index, score) in scored)
        {
            var metadata = ParseMetadata(values[index][2]);
            if (filter is not null && !Contains(metadata, filter)) continue;
            hits.Add(new SearchHit((string)candidates[index]!, score, metadata));
            if (hits.Count == topK) break;
        }
        return hits;
    }

    private static bool Contains(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> filter)
    {
        foreach (var (k, v) in filter)
        {
            if (!metadata.TryGetValue(k, out var actual) || actual != v) return false;
        }
        return true;
    }

    private static Dictionary<string, string> Compose(VectorWrite item, string createdAt, int index)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.Metadata is not null)
        {
            foreach (var (k, v) in item.Metadata)
            {
                if (SystemMetadata.IsSystemKey(k)) throw new ArgumentException($"Item {index}: '{k}' is system metadata; use the VectorWrite property.");
                if (!Names.IsValidName(k)) throw new ArgumentException($"Item {index}: metadata key '{k}' is not {Names.NameRule}.");
                metadata[k] = v;
            }
        }
        metadata[SystemMetadata.Source] = item.Source;
        metadata[SystemMetadata.CreatedAt] = createdAt;
        if (item.FileName is not null) metadata[SystemMetadata.FileName] = item.FileName;
        if (item.FileId is not null) metadata[SystemMetadata.FileId] = item.FileId;
        if (item.JobId is not null) metadata[SystemMetadata.JobId] = item.JobId;
        return metadata;
    }

    // createdAt is unique per vector: an inverted set or filter token for it would cost a key per vector for nothing.
    private static Dictionary<string, string> Indexed(Dictionary<string, string> metadata)
    {
        var copy = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        copy.Remove(SystemMetadata.CreatedAt);
        return copy;
    }

    private static IReadOnlyDictionary<string, string> ParseMetadata(RedisValue json) =>
        json.IsNullOrEmpty
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>((string)json!, MetadataJson) ?? new Dictionary<string, string>();

    private static GroupInfo? ToGroup(string name, RedisValue[] fields, long count)
    {
        if (fields[0].IsNull) return null;
        var createdAt = DateTimeOffset.Parse((string)fields[0]!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return new GroupInfo(name, createdAt, count, fields[1].IsNull ? null : (int)fields[1]);
    }

    private static string[] Strings(RedisValue[] values)
    {
        var result = new string[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = values[i]!;
        return result;
    }

    internal static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
