using FacePing.Core.Metadata;
using FacePing.Core.Vectors;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

// Reads by id, by page of ids and by metadata.
public sealed partial class FaceStore
{
    /// <summary>
    /// A stored vector of the tenant, or null (also for ids of other tenants: they are different keys).
    /// </summary>
    public async Task<StoredVector?> GetVectorAsync(string tenant, string id,
        CancellationToken cancellationToken = default)
    {
        if (!Names.IsValidId(id)) return null;
        var values = await Db.HashGetAsync(new StoreKeys(tenant).Vector(id), VectorFields).WaitAsync(cancellationToken);
        if (values[0].IsNull || VectorEncoding.Decode(values[1], values[3]) is not { } vector) return null;
        return new StoredVector(id, values[0]!, vector, ParseMetadata(values[2]));
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
            if (!await db.KeyExistsAsync(keys.Group(group)).WaitAsync(cancellationToken))
                throw new GroupNotFoundException(group);
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
                ids = Strings(await db.SortedSetRangeByValueAsync(keys.Ids(g), skip: 0, take: remaining)
                    .WaitAsync(cancellationToken));
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
}
