using System.Buffers;
using System.Runtime.InteropServices;
using FacePing.Core.Storage.Scan;
using FacePing.Core.Vectors;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

// Similarity search: the scan copy, the HNSW index or an exact scan of a small filtered set proposes, exact cosine
// ranks.
public sealed partial class FaceStore
{
    /// <summary>
    /// The nearest <paramref name="topK"/> vectors of the group by exact cosine similarity, best first, optionally only
    /// those whose metadata has every pair of <paramref name="filter"/>.
    /// </summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(string tenant, string group, float[] query, int topK,
        IReadOnlyDictionary<string, string>? filter, CancellationToken cancellationToken = default) =>
        SearchAsync(tenant, group, query, topK, filter, head: null, cancellationToken);

    /// <summary>
    /// <see cref="SearchAsync(string, string, float[], int, IReadOnlyDictionary{string, string}?, CancellationToken)"/>
    /// (or, with <paramref name="groupBy"/>, <see cref="SearchIdentitiesAsync"/>) in a group whose head the caller
    /// read already (<see cref="GetGroupHeadAsync"/>), so the request reads it once.
    /// </summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(GroupHead head, float[] query, int topK, string? groupBy,
        CancellationToken cancellationToken = default) =>
        groupBy is null
            ? SearchAsync(head.Tenant, head.Name, query, topK, null, head, cancellationToken)
            : SearchIdentitiesAsync(head.Tenant, head.Name, query, topK, groupBy, null, head, cancellationToken);

    private async Task<IReadOnlyList<SearchHit>> SearchAsync(string tenant, string group, float[] query, int topK,
        IReadOnlyDictionary<string, string>? filter, GroupHead? head, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        using var activity = Activity.StartActivity("store.search");
        var keys = new StoreKeys(tenant);
        var db = Db;
        var blob = VectorMath.ToBytes(query);
        var wanted = Math.Max(topK * _options.CandidateFactor, _options.MinCandidates);
        var unfiltered = filter is not { Count: > 0 };
        var copy = scan?.Find(tenant, group);
        var groupRead = head is null ? db.HashGetAsync(keys.Group(group), ScanIndex.HeadFields) : null;
        // Without a filter or a scan copy the index query goes out in the same round trip as the group check; its
        // answer is only used once the check passed (on a missing group or wrong dimension it is an error or empty, and
        // ignored).
        var early = unfiltered && copy is null
            ? Similar(db, keys, group, [keys.VectorSet(group)], blob, wanted, null, cancellationToken)
            : null;
        var info = head?.Fields ?? await groupRead!.WaitAsync(cancellationToken);
        var graph = GraphOfHead(keys, group, info);
        if (info[0].IsNull || info[1].IsNull || (int)info[1] != query.Length || graph.Length > 1)
        {
            // Asked before the group was read: its answer stands only for a group whose graph is that one vector set.
            if (early is not null)
                _ = early.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            early = null;
            if (info[0].IsNull) throw new GroupNotFoundException(group);
            if (info[1].IsNull) return [];
            if ((int)info[1] != query.Length) throw new DimensionMismatchException(group, (int)info[1], query.Length);
        }

        RedisValue[]? candidates = null;
        if (copy is not null && unfiltered)
        {
            candidates = await FromCopy(copy, tenant, group, query, topK, info, null, cancellationToken);
            activity?.SetTag("faceping.search_path", candidates is null ? "hnsw" : "scan");
        }
        if (candidates is null && unfiltered)
        {
            var found = await (early ?? Similar(db, keys, group, graph, blob, wanted, null, cancellationToken));
            scan?.Prefetch(tenant, group);
            // Too many pending ids to read on every search (right after a bulk load): the copy, loading now, holds
            // them all; wait for it, and read them all only when there is no copy to be had (over budget, failed).
            // A large group waits for its copy too: the one-bit graph alone misses many true neighbours at scale
            // (docs/performance.md: 0.89 of a person's own photos at 100k, 0.20 at 1M).
            var large = found is not null && await LargeAsync(db, keys, group, cancellationToken);
            var fromCopy = found is null || large
                ? await FromCopyOnceLoaded(tenant, group, query, topK, info, null, cancellationToken)
                : null;
            candidates = fromCopy
                ?? found
                ?? (await Similar(db, keys, group, graph, blob, wanted, null, cancellationToken, everyPending: true))!;
            activity?.SetTag("faceping.search_path", fromCopy is not null ? "scan-after-load" : "hnsw");
        }
        else if (candidates is null)
        {
            var sets = new RedisKey[filter!.Count];
            var i = 0;
            foreach (var (k, v) in filter) sets[i++] = keys.Inverted(group, k, v);
            var matching = await CountIntersection(db, sets, _options.ExactFilterScanLimit + 1)
                .WaitAsync(cancellationToken);
            if (matching == 0) return [];
            activity?.SetTag("faceping.filter_matches", matching);
            if (matching <= _options.ExactFilterScanLimit)
            {
                // Few matches: score them all, exact and complete (HNSW with a selective filter can miss some).
                candidates = await db.SetCombineAsync(SetOperation.Intersect, sets).WaitAsync(cancellationToken);
                activity?.SetTag("faceping.search_path", "filter-exact");
            }
            else
            {
                // Many: the scan copy ranks only the vectors holding the filter's tokens, however many; a large group
                // without one waits for it, as an unfiltered search does. The graph's filtered walk is the last resort.
                var required = FilterTokens.Hashes(filter);
                if (copy is not null)
                {
                    candidates = await FromCopy(copy, tenant, group, query, topK, info, required, cancellationToken);
                }
                else if (scan is not null)
                {
                    scan.Prefetch(tenant, group);
                    if (await LargeAsync(db, keys, group, cancellationToken))
                        candidates = await FromCopyOnceLoaded(tenant, group, query, topK, info, required,
                            cancellationToken);
                }
                activity?.SetTag("faceping.search_path", candidates is null ? "hnsw-filter" : "scan-filter");
                candidates ??= (await Similar(db, keys, group, graph, blob, wanted * FilteredOversample,
                    FilterTokens.Expression(filter), cancellationToken, everyPending: true))!;
            }
        }
        activity?.SetTag("faceping.candidates", candidates.Length);
        return await Rerank(db, keys, group, query, candidates, topK, filter, cancellationToken);
    }

    /// <summary>
    /// The nearest <paramref name="topK"/> identities: one hit per distinct value of the metadata key
    /// <paramref name="groupBy"/> (its best-scoring vector), so a person enrolled with many photos appears once;
    /// vectors without the key are left out. Asks for several vectors per identity and widens the search until it has
    /// <paramref name="topK"/> identities, the group is exhausted, or <see cref="MaxGroupByVectors"/> were ranked.
    /// </summary>
    public Task<IReadOnlyList<SearchHit>> SearchIdentitiesAsync(string tenant, string group, float[] query,
        int topK, string groupBy, IReadOnlyDictionary<string, string>? filter,
        CancellationToken cancellationToken = default) =>
        SearchIdentitiesAsync(tenant, group, query, topK, groupBy, filter, head: null, cancellationToken);

    private async Task<IReadOnlyList<SearchHit>> SearchIdentitiesAsync(string tenant, string group, float[] query,
        int topK, string groupBy, IReadOnlyDictionary<string, string>? filter, GroupHead? head,
        CancellationToken cancellationToken)
    {
        for (var vectors = Math.Min(Math.Max(topK * 4, 40), MaxGroupByVectors); ;
            vectors = Math.Min(vectors * 4, MaxGroupByVectors))
        {
            var hits = await SearchAsync(tenant, group, query, vectors, filter, head, cancellationToken);
            var best = new List<SearchHit>(topK);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var hit in hits)
            {
                if (!hit.Metadata.TryGetValue(groupBy, out var identity) || !seen.Add(identity)) continue;
                best.Add(hit);
                if (best.Count == topK) break;
            }
            if (best.Count == topK || hits.Count < vectors || vectors == MaxGroupByVectors) return best;
        }
    }

    /// <summary>
    /// Most vectors one grouped search ranks exactly (a bound on its cost: each is a read from Redis).
    /// </summary>
    public const int MaxGroupByVectors = 2000;

    private async Task<RedisValue[]?> FromCopyOnceLoaded(string tenant, string group, float[] query, int topK,
        RedisValue[] head, ulong[]? required, CancellationToken cancellationToken)
    {
        if (scan is null) return null;
        await scan.WhenLoaded(tenant, group).WaitAsync(cancellationToken);
        return scan.Find(tenant, group) is { } copy
            ? await FromCopy(copy, tenant, group, query, topK, head, required, cancellationToken)
            : null;
    }

    // The copy ranks by int8 scores (error ~1e-3, far below the gap between the 10th and 20th best of 100k random
    // vectors), so fewer candidates than HNSW needs: every one is a read from Redis in the rerank. Null when the copy
    // cannot reflect the group as of head (it is reloaded; ask the index).
    private Task<RedisValue[]?> FromCopy(GroupScan copy, string tenant, string group, float[] query, int topK,
        RedisValue[] head, ulong[]? required, CancellationToken cancellationToken)
    {
        var (generation, revision) = ScanIndex.Version(head);
        return scan!.CandidatesAsync(copy, tenant, group, generation, revision, query, Math.Max(2 * topK, topK + 10),
            required, cancellationToken);
    }

    // Over ScanCopyFirstVectors: the one-bit graph alone misses too many true neighbours to answer it while a copy can
    // be had (docs/performance.md).
    private async Task<bool> LargeAsync(IDatabase db, StoreKeys keys, string group,
        CancellationToken cancellationToken) =>
        scan is not null && await db.SortedSetLengthAsync(keys.Ids(group)).WaitAsync(cancellationToken)
        > _options.ScanCopyFirstVectors;

    // A filtered VSIM walks the graph's (binary-quantised) order among the matching vectors only, which proposes the
    // true neighbours less reliably than an unfiltered walk: on 3,000 random 512-d vectors recall@10 was 0.93 with the
    // unfiltered candidate count and ≥ 0.98 with 4 × (FaceStoreTests). Each candidate is one hash read in the rerank.
    private const int FilteredOversample = 4;

    /// <summary>
    /// Pending ids a search without a scan copy reads and reranks on every query; with more, an unfiltered search
    /// waits for the group's copy instead (each id is a read of its hash from Redis).
    /// </summary>
    public const int PendingScanLimit = 5000;

    // HNSW candidates plus every id not yet in the graph: the rerank scores those exactly, so a write is found from its
    // acknowledgement on, before the indexer has inserted it. The pending set is read first, and the graph asked only
    // once that answer is in: an id leaves the pending set only by joining the graph in the same script, and a replaced
    // vector keeps its node until then (StoreScripts.Unindex), so no id slips between the two reads. (Asked the other
    // way round, an id the indexer moved in between was in neither answer.)
    // Null when more than PendingScanLimit ids are pending, unless everyPending.
    // A graph split into parts is asked part by part, all at once, each for the whole count (the best `count` may all
    // be in one part), and the answers merged by score.
    private async Task<RedisValue[]?> Similar(IDatabase db, StoreKeys keys, string group, RedisKey[] graph,
        byte[] blob, int count, string? filter, CancellationToken cancellationToken, bool everyPending = false)
    {
        var args = new List<object>(13)
        {
            graph[0], "FP32", blob, "COUNT", count, "EF", Math.Max(_options.SearchEf, count),
        };
        if (filter is not null)
        {
            args.Add("FILTER");
            args.Add(filter);
            // Selective filters need many more graph visits; the default (COUNT × 100) is the floor.
            args.Add("FILTER-EF");
            args.Add(Math.Max(count * 100, _options.ExactFilterScanLimit * 20));
        }
        var pendingReply = await db.ScriptEvaluateAsync(StoreScripts.PendingUpTo, [keys.Pending(group)],
            [everyPending ? -1 : PendingScanLimit]).WaitAsync(cancellationToken);
        if (pendingReply.IsNull) return null;
        var pending = (RedisValue[])pendingReply!;
        var found = graph.Length == 1
            ? Ids(await db.ExecuteAsync("VSIM", args).WaitAsync(cancellationToken))
            : await SimilarInPartsAsync(db, graph, args, count, cancellationToken);
        if (pending.Length == 0) return found;
        if (found.Length == 0) return pending;
        var all = new HashSet<RedisValue>(found);
        all.UnionWith(pending);
        return [.. all];
    }

    private static RedisValue[] Ids(RedisResult reply) => reply.IsNull ? [] : (RedisValue[])reply!;

    private static async Task<RedisValue[]> SimilarInPartsAsync(IDatabase db, RedisKey[] graph, List<object> args,
        int count, CancellationToken cancellationToken)
    {
        args.Add("WITHSCORES");
        var asked = new Task<RedisResult>[graph.Length];
        for (var s = 0; s < graph.Length; s++)
        {
            args[0] = graph[s];
            asked[s] = db.ExecuteAsync("VSIM", [.. args]);
        }
        var scored = new List<(RedisValue Id, double Score)>(count * 2);
        foreach (var part in asked)
        {
            var reply = await part.WaitAsync(cancellationToken);
            if (reply.IsNull) continue;
            // RESP2: id, score, id, score...
            var items = (RedisResult[])reply!;
            for (var i = 0; i + 1 < items.Length; i += 2) scored.Add(((RedisValue)items[i], (double)items[i + 1]));
        }
        scored.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        var best = new RedisValue[Math.Min(count, scored.Count)];
        for (var i = 0; i < best.Length; i++) best[i] = scored[i].Id;
        return best;
    }

    // The vector sets of the group's graph (StoreKeys.Graph), from its head (ScanIndex.HeadFields: createdAt, dims,
    // rev, gen, shards): its own, or the parts it was created with.
    private static RedisKey[] GraphOfHead(StoreKeys keys, string group, RedisValue[] head) =>
        head[4].IsNull || (int)head[4] <= 1
            ? [keys.VectorSet(group)]
            : keys.Graph(group, ScanIndex.Version(head).Generation, (int)head[4]);

    private static async Task<long> CountIntersection(IDatabase db, RedisKey[] sets, long limit)
    {
        var args = new List<object>(sets.Length + 3) { sets.Length };
        foreach (var s in sets) args.Add(s);
        args.Add("LIMIT");
        args.Add(limit);
        return (long)await db.ExecuteAsync("SINTERCARD", args);
    }

    private static async Task<IReadOnlyList<SearchHit>> Rerank(IDatabase db, StoreKeys keys, string group,
        float[] query, RedisValue[] candidates, int topK, IReadOnlyDictionary<string, string>? filter,
        CancellationToken cancellationToken)
    {
        var reads = new Task<RedisValue[]>[candidates.Length];
        for (var i = 0; i < candidates.Length; i++)
            reads[i] = db.HashGetAsync(keys.Vector((string)candidates[i]!), VectorFields);
        var scored = new List<(int Index, float Score)>(candidates.Length);
        var values = new RedisValue[candidates.Length][];
        // One buffer for every candidate's vector (up to a few hundred per search).
        var stored = ArrayPool<float>.Shared.Rent(query.Length);
        try
        {
            for (var i = 0; i < candidates.Length; i++)
            {
                var v = await reads[i].WaitAsync(cancellationToken);
                // Deleted or moved since the index answered: not a hit.
                if (v[0].IsNull || (string?)v[0] != group) continue;
                if (!VectorEncoding.TryRead(v[1], v[3], stored.AsSpan(0, query.Length))) continue;
                values[i] = v;
                scored.Add((i, VectorMath.Cosine(query, stored.AsSpan(0, query.Length))));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(stored);
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

    private static bool Contains(IReadOnlyDictionary<string, string> metadata,
        IReadOnlyDictionary<string, string> filter)
    {
        foreach (var (k, v) in filter)
        {
            if (!metadata.TryGetValue(k, out var actual) || actual != v) return false;
        }
        return true;
    }
}
