using System.Runtime.InteropServices;
using System.Text.Json;
using FacePing.Core.Metadata;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// A group's vectors, read in full: <see cref="Vectors"/> holds them one after another, in <see cref="Ids"/>' order.
/// </summary>
public sealed record GroupVectors(string[] Ids, float[] Vectors, int Dimensions)
{
    public int Count => Ids.Length;
}

/// <summary>How a label write went: vectors given the label, vectors whose stale label was removed.</summary>
public sealed record LabelWriteResult(int Labelled, int Cleared);

// Whole-group reads and single-key metadata writes, for cluster jobs.
public sealed partial class FaceStore
{
    // Ids per page of a whole-group read (about 1.3 MB of 640-d vectors a round trip).
    private const int GroupReadPage = 512;

    // Vectors per label-write script: Redis runs each one alone, about 20 µs a vector.
    private const int LabelBatch = 100;

    // A vector whose metadata keeps changing under a label write is given up after this many tries.
    private const int LabelAttempts = 5;

    /// <summary>
    /// Every vector of the group, in id order (ordinal), read page by page as the scan copies load (ids paged
    /// lexicographically, vectors in one pipelined round trip a page), so it never holds Redis up for long. Vectors
    /// written during the read may or may not be included; ones deleted are not. Throws
    /// <see cref="GroupNotFoundException"/>.
    /// </summary>
    public async Task<GroupVectors> ReadGroupVectorsAsync(string tenant, string group,
        CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var db = Db;
        var head = db.HashGetAsync(keys.Group(group), GroupFields);
        var count = db.SortedSetLengthAsync(keys.Ids(group));
        var fields = await head.WaitAsync(cancellationToken);
        if (fields[0].IsNull) throw new GroupNotFoundException(group);
        if (fields[1].IsNull) return new GroupVectors([], [], 0);
        var dims = (int)fields[1];

        var ids = new List<string>((int)await count);
        var data = new float[Math.Max(1, ids.Capacity) * dims];
        RedisValue after = default;
        var exclude = Exclude.None;
        while (true)
        {
            var page = await db.SortedSetRangeByValueAsync(keys.Ids(group), after, default, exclude, Order.Ascending, 0,
                GroupReadPage).WaitAsync(cancellationToken);
            if (page.Length == 0) break;
            var reads = new Task<RedisValue[]>[page.Length];
            for (var i = 0; i < page.Length; i++)
                reads[i] = db.HashGetAsync(keys.Vector((string)page[i]!), ScanVectorFields);
            for (var i = 0; i < page.Length; i++)
            {
                var v = await reads[i].WaitAsync(cancellationToken);
                if (v[0].IsNull || (string?)v[0] != group) continue;
                if ((ids.Count + 1) * dims > data.Length) Array.Resize(ref data, data.Length * 2);
                if (!VectorEncoding.TryRead(v[1], v[2], data.AsSpan(ids.Count * dims, dims))) continue;
                ids.Add((string)page[i]!);
            }
            if (page.Length < GroupReadPage) break;
            after = page[^1];
            exclude = Exclude.Start;
        }
        return new GroupVectors([.. ids], data, dims);
    }

    private static readonly RedisValue[] ScanVectorFields =
        ["group", VectorEncoding.Float32Field, VectorEncoding.HalfField];

    /// <summary>
    /// Gives metadata key <paramref name="key"/> the value <paramref name="labels"/>[id] on each listed vector of the
    /// group, and removes the key from the group's other vectors that have it, so afterwards the key holds exactly
    /// these labels.
    /// Each vector changes atomically with every index of its metadata (the hash, the vector set's filter attributes,
    /// the inverted sets, the change log and rev the scan copies follow), by compare-and-set against the metadata read
    /// just before: a vector written meanwhile is read again and retried. Vectors deleted or moved away are skipped.
    /// Throws <see cref="GroupNotFoundException"/>, and <see cref="ArgumentException"/> for a system or malformed key.
    /// </summary>
    public async Task<LabelWriteResult> WriteLabelsAsync(string tenant, string group, string key,
        IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken = default)
    {
        if (!Names.IsValidName(key) || SystemMetadata.IsSystemKey(key))
            throw new ArgumentException($"'{key}' cannot be written: it is not a client metadata key.", nameof(key));
        var keys = new StoreKeys(tenant);
        // Checked up front: with no vector of the group among the labels, no script would run to notice.
        if (!await Db.KeyExistsAsync(keys.Group(group)).WaitAsync(cancellationToken))
            throw new GroupNotFoundException(group);
        var labelled = await ReplaceValuesAsync(keys, group, key, labels.Keys.Order(StringComparer.Ordinal).ToList(),
            id => labels[id], cancellationToken);

        // Whoever else holds the key (an earlier clustering, a client) loses it.
        var stale = new List<string>();
        var prefix = (string)keys.Inverted(group, key, "")!;
        var db = Db;
        var sets = db.SetScanAsync(keys.Group(group).Append(":mk"), prefix + "*", 500);
        await foreach (var set in sets.WithCancellation(cancellationToken))
        {
            var name = (string)set!;
            var value = name[prefix.Length..];
            foreach (var member in await db.SetMembersAsync(name).WaitAsync(cancellationToken))
            {
                var id = (string)member!;
                if (!labels.TryGetValue(id, out var label) || label != value) stale.Add(id);
            }
        }
        var clear = stale.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var cleared = await ReplaceValuesAsync(keys, group, key, clear, _ => null, cancellationToken);
        // A split graph's attributes are rewritten by the indexer (StoreScripts.ReplaceMetadata).
        if (labelled + cleared > 0) await NoteIndexingAsync(tenant, group);
        return new LabelWriteResult(labelled, cleared);
    }

    // Sets (or with a null value removes) one metadata key of each id, in batches; returns how many vectors changed.
    private async Task<int> ReplaceValuesAsync(StoreKeys keys, string group, string key, List<string> ids,
        Func<string, string?> valueOf, CancellationToken cancellationToken)
    {
        var changed = 0;
        var db = Db;
        for (var from = 0; from < ids.Count; from += LabelBatch)
        {
            var pending = ids.GetRange(from, Math.Min(LabelBatch, ids.Count - from));
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                if (attempt > LabelAttempts)
                {
                    throw new InvalidOperationException($"The metadata of {pending.Count} vector(s) of '{group}' " +
                        $"kept changing during the label write (e.g. {pending[0]}).");
                }
                var reads = new Task<RedisValue[]>[pending.Count];
                for (var i = 0; i < pending.Count; i++) reads[i] = db.HashGetAsync(keys.Vector(pending[i]), MetaFields);
                var args = new List<RedisValue> { keys.Prefix, group, _options.ChangeLogLength, key, 0 };
                for (var i = 0; i < pending.Count; i++)
                {
                    var current = await reads[i].WaitAsync(cancellationToken);
                    if (current[0].IsNull || (string?)current[0] != group || current[1].IsNull) continue;
                    var metadata = new Dictionary<string, string>(ParseMetadata(current[1]), StringComparer.Ordinal);
                    var value = valueOf(pending[i]);
                    var unchanged = value is null
                        ? !metadata.Remove(key)
                        : metadata.TryGetValue(key, out var held) && held == value;
                    if (unchanged) continue;
                    if (value is not null) metadata[key] = value;
                    args.Add(pending[i]);
                    args.Add(current[1]);
                    args.Add(JsonSerializer.Serialize(metadata, MetadataJson));
                    args.Add(FilterTokens.Attributes(metadata));
                }
                var count = (args.Count - 5) / 4;
                if (count == 0) break;
                args[4] = count;
                var reply = await _writes.EvalAsync(StoreScripts.ReplaceMetadata, [keys.Group(group)], [.. args],
                    cancellationToken);
                if (reply.Resp2Type == ResultType.Integer) throw new GroupNotFoundException(group);
                var parts = (RedisResult[])reply!;
                changed += (int)parts[0];
                pending = [.. parts.Skip(2).Select(p => (string)p!)];
            }
        }
        return changed;
    }
}
