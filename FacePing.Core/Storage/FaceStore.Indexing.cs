using FacePing.Core.Storage.Scan;
using FacePing.Core.Vectors;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

// The HNSW graph built behind the writes: the pending sets and the indexer's steps.
public sealed partial class FaceStore
{
    /// <summary>
    /// The set of groups that may have pending vectors ("tenant\ngroup"): the indexer's to-do list. A hint only (a
    /// key outside every tenant's hash slot, so the write scripts cannot touch it): writers add to it after their
    /// script, the indexer removes a group once its pending set is empty, and finds groups a crash left out by scanning
    /// for pending sets (<see cref="PendingGroupsAsync"/>).
    /// </summary>
    public static readonly RedisKey IndexingKey = "faceping:indexing";

    /// <summary>
    /// Inserts up to <paramref name="batch"/> of the group's pending vectors into its HNSW graph, as the holder of the
    /// group's indexing lease <paramref name="indexer"/> (taken when free, renewed for <paramref name="lease"/>).
    /// Reads the pending vectors here, decodes them and derives their filter tokens, then one script inserts those
    /// still unchanged (<see cref="StoreScripts.IndexPending"/>).
    /// </summary>
    public async Task<IndexStep> IndexPendingAsync(string tenant, string group, string indexer, int batch,
        TimeSpan lease, CancellationToken cancellationToken = default)
    {
        using var activity = Activity.StartActivity("store.index");
        var keys = new StoreKeys(tenant);
        var db = Db;
        var graph = await GraphAsync(db, keys, group, cancellationToken);
        if (graph.Parts.Length > 1)
            return await IndexPartsAsync(db, keys, group, graph, indexer, batch, lease, activity, cancellationToken);
        var ids = await db.SetRandomMembersAsync(keys.Pending(group), batch).WaitAsync(cancellationToken);
        var reads = new Task<RedisValue[]>[ids.Length];
        for (var i = 0; i < ids.Length; i++) reads[i] = db.HashGetAsync(keys.Vector((string)ids[i]!), IndexFields);
        var args = new List<RedisValue>(8 + ids.Length * 6)
        {
            keys.Prefix, group, indexer, (long)lease.TotalMilliseconds, graph.Quantization, graph.Links,
            _options.HnswBuildEf, 0,
        };
        for (var i = 0; i < ids.Length; i++)
        {
            var v = await reads[i].WaitAsync(cancellationToken);
            var half = !v[2].IsNull;
            // Not in the group (the script drops it from the pending set if still so) or unreadable (dropped too,
            // when unchanged: an empty blob): either way the pending set cannot hold it forever.
            var vector = (string?)v[0] == group ? VectorEncoding.Decode(v[1], v[2]) : null;
            args.Add(ids[i]);
            args.Add(half ? VectorEncoding.HalfField : VectorEncoding.Float32Field);
            args.Add(half ? v[2] : v[1]);
            args.Add(v[3]);
            args.Add(vector is null ? RedisValue.EmptyString : VectorMath.ToBytes(vector));
            args.Add(vector is null ? RedisValue.EmptyString : FilterTokens.Attributes(ParseMetadata(v[3])));
        }
        args[7] = (args.Count - 8) / 6;
        var (reply, took) = await TimedAsync(db.ScriptEvaluateAsync(StoreScripts.IndexPending, [keys.Group(group)],
            [.. args]), cancellationToken);
        return Step((RedisResult[])reply!, group, activity, took);
    }

    private static IndexStep Step(RedisResult[] reply, string group, System.Diagnostics.Activity? activity,
        TimeSpan graph = default)
    {
        var step = (int)reply[0] switch
        {
            -1 => new IndexStep(IndexOutcome.Leased, 0, (long)reply[1]),
            -2 => new IndexStep(IndexOutcome.Gone, 0, 0),
            -3 => throw new InvalidOperationException($"VADD into {group} failed: {reply[2]}"),
            var n => new IndexStep(IndexOutcome.Indexed, n, (long)reply[1], graph),
        };
        activity?.SetTag("faceping.vectors", step.Indexed);
        activity?.SetTag("faceping.pending", step.Pending);
        return step;
    }

    // How long a script that writes the graph took from send to answer: about how long it held its server's main
    // thread (plus the wait behind commands queued before it), which is what the indexer sizes its steps by.
    private async Task<(RedisResult Reply, TimeSpan Took)> TimedAsync(Task<RedisResult> script,
        CancellationToken cancellationToken)
    {
        var sent = clock.GetTimestamp();
        var reply = await script.WaitAsync(cancellationToken);
        return (reply, clock.GetElapsedTime(sent));
    }

    // A graph split into parts in other hash slots (VectorStoreOptions.GraphShards) cannot be written by the script
    // that checks the pending set, so a step has three moves: take the lease (a confirmation of nothing), write each
    // part's nodes as read (all parts at once: on a cluster each part's primary builds its share on its own main
    // thread), then confirm in the tenant's slot, where an id leaves the pending set only if its hash still holds
    // what was written. Anything that changed between the read and the confirmation stays pending and is written
    // again by a later step, so the parts end up holding exactly the group's vectors, however steps and writes
    // interleave. Until then a stale node only proposes a candidate the rerank scores from the hash (or drops).
    private async Task<IndexStep> IndexPartsAsync(IDatabase db, StoreKeys keys, string group, GroupGraph graph,
        string indexer, int batch, TimeSpan lease, System.Diagnostics.Activity? activity,
        CancellationToken cancellationToken)
    {
        var confirm = new List<RedisValue>(5 + batch * 5)
        {
            keys.Prefix, group, indexer, (long)lease.TotalMilliseconds, 0,
        };
        var taken = (RedisResult[])(await db.ScriptEvaluateAsync(StoreScripts.ConfirmIndexed, [keys.Group(group)],
            [.. confirm]).WaitAsync(cancellationToken))!;
        if ((int)taken[0] < 0 || (long)taken[1] == 0) return Step(taken, group, activity);

        var parts = graph.Parts;
        var ids = await db.SetRandomMembersAsync(keys.Pending(group), batch).WaitAsync(cancellationToken);
        var reads = new Task<RedisValue[]>[ids.Length];
        for (var i = 0; i < ids.Length; i++) reads[i] = db.HashGetAsync(keys.Vector((string)ids[i]!), IndexFields);
        var writes = new List<RedisValue>[parts.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var v = await reads[i].WaitAsync(cancellationToken);
            var half = !v[2].IsNull;
            var inGroup = (string?)v[0] == group;
            var vector = inGroup ? VectorEncoding.Decode(v[1], v[2]) : null;
            var id = (string)ids[i]!;
            var part = writes[StoreKeys.GraphShard(id, parts.Length)] ??=
                [graph.Quantization, graph.Links, _options.HnswBuildEf, 0];
            part.Add(id);
            part.Add(vector is null ? RedisValue.EmptyString : VectorMath.ToBytes(vector));
            part.Add(vector is null ? RedisValue.EmptyString : FilterTokens.Attributes(ParseMetadata(v[3])));
            confirm.Add(id);
            confirm.Add(inGroup ? "1" : "0");
            confirm.Add(half ? VectorEncoding.HalfField : VectorEncoding.Float32Field);
            // Null (gone) as empty: the script compares an id read out of the group by its group only.
            confirm.Add((half ? v[2] : v[1]) is { IsNull: false } bytes ? bytes : RedisValue.EmptyString);
            confirm.Add(v[3].IsNull ? RedisValue.EmptyString : v[3]);
        }
        var written = new List<Task<(RedisResult Reply, TimeSpan Took)>>(parts.Length);
        for (var s = 0; s < parts.Length; s++)
        {
            if (writes[s] is not { } part) continue;
            part[3] = (part.Count - 4) / 3;
            written.Add(TimedAsync(db.ScriptEvaluateAsync(StoreScripts.IndexPart, [parts[s]], [.. part]),
                cancellationToken));
        }
        var inserted = 0;
        var longest = TimeSpan.Zero;
        foreach (var task in written)
        {
            var (result, took) = await task;
            var reply = (RedisResult[])result!;
            if ((int)reply[0] == -3) throw new InvalidOperationException($"VADD into {group} failed: {reply[1]}");
            inserted += (int)reply[0];
            if (took > longest) longest = took;
        }
        confirm[4] = ids.Length;
        var confirmed = (RedisResult[])(await db.ScriptEvaluateAsync(StoreScripts.ConfirmIndexed,
            [keys.Group(group)], [.. confirm]).WaitAsync(cancellationToken))!;
        activity?.SetTag("faceping.graph_parts", parts.Length);
        // Inserted, not confirmed: the count feeds the indexer's rate and persistence rule, which are about graph work.
        return (int)confirmed[0] < 0
            ? Step(confirmed, group, activity)
            : Step([RedisResult.Create(inserted), confirmed[1]], group, activity, longest);
    }

    /// <summary>
    /// The vector sets holding the group's graph (<see cref="StoreKeys.Graph"/>): its own, or the parts it was
    /// created with; and the quantization and M it was created with (groups older than that field: this process's).
    /// Every indexer builds a group the same way, so the parts of one graph agree whichever process wrote them.
    /// </summary>
    private async Task<GroupGraph> GraphAsync(IDatabase db, StoreKeys keys, string group,
        CancellationToken cancellationToken)
    {
        var head = await db.HashGetAsync(keys.Group(group), GraphHeadFields).WaitAsync(cancellationToken);
        var quantization = head[ScanIndex.HeadFields.Length];
        var links = head[ScanIndex.HeadFields.Length + 1];
        return new GroupGraph(GraphOfHead(keys, group, head),
            quantization.IsNullOrEmpty ? _options.Quantization : (string)quantization!,
            links.IsNullOrEmpty ? _options.HnswLinks : (int)links);
    }

    private sealed record GroupGraph(RedisKey[] Parts, string Quantization, int Links);

    private static readonly RedisValue[] GraphHeadFields = [.. ScanIndex.HeadFields, "quant", "m"];

    private static readonly RedisValue[] IndexFields =
        ["group", VectorEncoding.Float32Field, VectorEncoding.HalfField, "meta"];

    /// <summary>The lease holder name of <see cref="IndexAllAsync"/>.</summary>
    public const string IndexAllHolder = "index-all";

    /// <summary>
    /// Inserts every pending vector of the group into its HNSW graph (tests, tools), unless an indexer holds the
    /// group's lease. Callers of this method share one lease holder name, and hold it briefly.
    /// </summary>
    public async Task IndexAllAsync(string tenant, string group, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var step = await IndexPendingAsync(tenant, group, IndexAllHolder, 256, TimeSpan.FromSeconds(1),
                cancellationToken);
            if (step.Outcome != IndexOutcome.Indexed || step.Pending == 0) return;
        }
    }

    /// <summary>
    /// Has the Redis servers holding the group's graph (one, unless it is split over a cluster's primaries) rewrite
    /// their append-only files, so the graph inserts in their tails go into their bases (a restart loads a graph from
    /// the base; it replays each insert in the tail at graph speed). True when that is done or under way, or nothing
    /// needs it (AOF off); false when a rewrite already running on one of them may predate the inserts (try again
    /// later: none is started then, so a retry never rewrites a server twice) or the command is refused (a managed
    /// Redis may rename it away: Redis's own rewrite rule then decides).
    /// </summary>
    public async Task<bool> PersistGraphAsync(string tenant, string group,
        CancellationToken cancellationToken = default)
    {
        // On the write connection: StackExchange.Redis sends INFO and BGREWRITEAOF only where admin mode is on.
        var connection = await _writes.ConnectionAsync();
        var parts = (await GraphAsync(Db, new StoreKeys(tenant), group, cancellationToken)).Parts;
        var database = connection.GetDatabase();
        var due = new List<IServer>();
        try
        {
            foreach (var endpoint in parts.Select(part => database.IdentifyEndpoint(part)).Distinct())
            {
                var server = endpoint is null ? null : connection.GetServer(endpoint);
                if (server is null || !server.IsConnected) return false;
                var persistence = await server.InfoRawAsync("persistence").WaitAsync(cancellationToken) ?? "";
                if (!persistence.Contains("aof_enabled:1", StringComparison.Ordinal)) continue;
                if (persistence.Contains("aof_rewrite_in_progress:1", StringComparison.Ordinal)) return false;
                due.Add(server);
            }
            foreach (var server in due) await server.ExecuteAsync("BGREWRITEAOF").WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is RedisServerException or RedisCommandException)
        {
            // Refused by the server (renamed or disabled, or a rewrite just started elsewhere) or by the client (no
            // admin mode): skip this time.
            return false;
        }
    }

    /// <summary>The groups on the indexer's list (<see cref="IndexingKey"/>).</summary>
    public async Task<IReadOnlyList<(string Tenant, string Group)>> IndexingListAsync(
        CancellationToken cancellationToken = default)
    {
        var members = await Db.SetMembersAsync(IndexingKey).WaitAsync(cancellationToken);
        var result = new List<(string, string)>(members.Length);
        foreach (var m in members)
        {
            var text = (string)m!;
            var cut = text.IndexOf('\n');
            if (cut > 0) result.Add((text[..cut], text[(cut + 1)..]));
        }
        return result;
    }

    /// <summary>
    /// Takes the group off the indexer's list once its pending set is empty. Removes first and looks again after, so a
    /// write that queued an id meanwhile is not forgotten (it is seen here, or its writer adds the group back).
    /// </summary>
    public async Task<bool> RetireIfDrainedAsync(string tenant, string group, CancellationToken cancellationToken)
    {
        var db = Db;
        await db.SetRemoveAsync(IndexingKey, Member(tenant, group)).WaitAsync(cancellationToken);
        if (await db.SetLengthAsync(new StoreKeys(tenant).Pending(group)).WaitAsync(cancellationToken) == 0)
            return true;
        await db.SetAddAsync(IndexingKey, Member(tenant, group)).WaitAsync(cancellationToken);
        return false;
    }

    /// <summary>
    /// Puts every group holding a pending set on the indexer's list: a SCAN of every primary, for groups whose writer
    /// stopped between its script and noting the group (a crash) — at start-up and now and then.
    /// </summary>
    public async Task<int> PendingGroupsAsync(CancellationToken cancellationToken = default)
    {
        var found = 0;
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica) continue;
            await foreach (var key in server.KeysAsync(pattern: "{t:*}:g:*:pending", pageSize: 1000)
                               .WithCancellation(cancellationToken))
            {
                var text = (string)key!;
                var tenantEnd = text.IndexOf("}:g:", StringComparison.Ordinal);
                if (tenantEnd < 3) continue;
                var tenant = text[3..tenantEnd];
                var group = text[(tenantEnd + 4)..^":pending".Length];
                await Db.SetAddAsync(IndexingKey, Member(tenant, group)).WaitAsync(cancellationToken);
                found++;
            }
        }
        return found;
    }

    // After a write script that succeeded: the name is on the list before the write is answered, so whoever sees the
    // answer and then finds the list empty knows the indexer is done with it. A failure only delays indexing until the
    // indexer's next scan for pending sets; the write's answer never depends on it.
    private async Task NoteIndexingAsync(string tenant, string group)
    {
        try
        {
            await Db.SetAddAsync(IndexingKey, Member(tenant, group));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The write was applied and is answered as such; the group is found again by the indexer's scan for
            // pending sets.
        }
    }

    // After a write script that failed, applied or not (a write whose durability wait failed was applied): an extra
    // name on the list costs the indexer one look. Fire and forget: Redis may be down, and the failure is answered now.
    private void NoteIndexing(string tenant, string group)
    {
        try
        {
            Db.SetAdd(IndexingKey, Member(tenant, group), CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Found again by the indexer's scan for pending sets.
        }
    }

    private static RedisValue Member(string tenant, string group) => tenant + "\n" + group;
}

/// <summary>What one indexing step did.</summary>
public enum IndexOutcome
{
    /// <summary>Vectors were inserted (perhaps none: nothing was pending).</summary>
    Indexed,

    /// <summary>Another indexer holds the group's lease.</summary>
    Leased,

    /// <summary>The group no longer exists.</summary>
    Gone,
}

/// <summary>
/// One indexing step: how many vectors it inserted and how many are still pending, and how long its longest graph
/// script took (one script on one server, or the slowest of a split graph's parts, which run side by side): the time
/// a write or search on that server could wait behind it.
/// </summary>
public readonly record struct IndexStep(IndexOutcome Outcome, int Indexed, long Pending, TimeSpan Graph = default);
