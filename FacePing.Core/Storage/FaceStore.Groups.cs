using StackExchange.Redis;

namespace FacePing.Core.Storage;

// Groups: create, read, list, delete (with everything in them).
public sealed partial class FaceStore
{
    /// <summary>Creates an empty group. Throws <see cref="GroupAlreadyExistsException"/> when it exists.</summary>
    public async Task<GroupInfo> CreateGroupAsync(string tenant, string group,
        CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var now = clock.GetUtcNow();
        var created = (long)await _writes.EvalAsync(StoreScripts.CreateGroup, [keys.Groups],
            [keys.Prefix, group, Timestamp(now), Guid.NewGuid().ToString("N"), _options.GraphShards,
                _options.Quantization, _options.HnswLinks],
            cancellationToken);
        if (created == 0) throw new GroupAlreadyExistsException(group);
        return new GroupInfo(group, Truncate(now), 0, null);
    }

    /// <summary>The group, or null when it does not exist.</summary>
    public async Task<GroupInfo?> GetGroupAsync(string tenant, string group,
        CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var db = Db;
        var fields = db.HashGetAsync(keys.Group(group), GroupFields);
        var count = db.SortedSetLengthAsync(keys.Ids(group));
        var pending = db.SetLengthAsync(keys.Pending(group));
        return ToGroup(group, await fields.WaitAsync(cancellationToken), await count, await pending);
    }

    /// <summary>
    /// The group's head, or null when it does not exist: one read a search then reuses instead of reading it again.
    /// </summary>
    public async Task<GroupHead?> GetGroupHeadAsync(string tenant, string group,
        CancellationToken cancellationToken = default)
    {
        var fields = await Db.HashGetAsync(new StoreKeys(tenant).Group(group), SearchHeadFields)
            .WaitAsync(cancellationToken);
        if (fields[0].IsNull) return null;
        var model = fields[^1].IsNull ? null : fields[^1].ToString();
        return new GroupHead(tenant, group, fields[1].IsNull ? null : (int)fields[1], model)
        {
            Fields = fields,
        };
    }

    private static readonly RedisValue[] SearchHeadFields = [.. Scan.ScanIndex.HeadFields, "model"];

    /// <summary>All groups of the tenant, ordered by name (ordinal).</summary>
    public async Task<IReadOnlyList<GroupInfo>> ListGroupsAsync(string tenant,
        CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var db = Db;
        var names = await db.SortedSetRangeByRankAsync(keys.Groups).WaitAsync(cancellationToken);
        var fields = new Task<RedisValue[]>[names.Length];
        var counts = new Task<long>[names.Length];
        var pending = new Task<long>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            fields[i] = db.HashGetAsync(keys.Group(names[i]!), GroupFields);
            counts[i] = db.SortedSetLengthAsync(keys.Ids(names[i]!));
            pending[i] = db.SetLengthAsync(keys.Pending(names[i]!));
        }
        var result = new List<GroupInfo>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            // A group deleted between the two reads is simply left out.
            if (ToGroup(names[i]!, await fields[i], await counts[i], await pending[i]) is { } info) result.Add(info);
        }
        return result;
    }

    /// <summary>
    /// Deletes the group with all its vectors, metadata and index entries. False when it did not exist.
    /// </summary>
    public async Task<bool> DeleteGroupAsync(string tenant, string group, CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var graph = (await GraphAsync(Db, keys, group, cancellationToken)).Parts;
        var deleted = (long)await _writes.EvalAsync(StoreScripts.DeleteGroup, [keys.Group(group)],
            [keys.Prefix, group], cancellationToken);
        scan?.Forget(tenant, group);
        // The parts of a split graph live in other slots, out of the script's reach. Their names carry the group's
        // generation, so a group created again under this name never sees them, even if this process stops first.
        // One key per command: on a cluster they are in different slots.
        if (graph.Length > 1)
            await Task.WhenAll(graph.Select(part => Db.KeyDeleteAsync(part))).WaitAsync(cancellationToken);
        return deleted == 1;
    }
}
