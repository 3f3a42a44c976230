namespace FacePing.Core.Storage;

/// <summary>
/// Lua scripts for every write that touches more than one key, so readers never see an index entry without its
/// vector hash (or the reverse). Redis runs a script atomically; the scripts validate everything before the first
/// write because Redis does not roll a script back when a command in it fails.
/// KEYS[1] is always a key of the tenant (its hash tag routes the script on a cluster); ARGV[1] is the key prefix.
/// </summary>
internal static partial class StoreScripts
{
    // Removes one vector from its group's structures (not the vector hash itself). A vector replaced in its own group
    // keeps its graph node (keepNode) until the indexer rewrites it: it rejoins the pending set at once, so every id of
    // the group is at every moment in the graph or pending, and a search that reads the pending set before asking the
    // graph misses none (the rerank scores the new vector from the hash, the stale node only proposes it). A group
    // whose graph is split into parts (field 'shards') keeps them in other hash slots, out of this script's reach: the
    // id is left pending instead, and the indexer, finding it gone from the group, takes its node out (until then the
    // node only proposes a candidate the rerank drops).
    private const string Unindex = """
        -- Returns true when the node is left for the indexer to take out (a graph in parts lives in other slots).
        local function unindex(P, group, id, meta, keepNode)
          local g = P .. 'g:' .. group
          local split = false
          if keepNode then
            redis.call('SREM', g .. ':pending', id)
          elseif redis.call('HEXISTS', g, 'shards') == 1 then
            redis.call('SADD', g .. ':pending', id)
            split = true
          else
            redis.call('VREM', g .. ':vs', id)
            redis.call('SREM', g .. ':pending', id)
          end
          redis.call('ZREM', g .. ':ids', id)
          if meta then
            for k, v in pairs(cjson.decode(meta)) do
              if k ~= 'createdAt' then redis.call('SREM', g .. ':m:' .. k .. '=' .. v, id) end
            end
          end
          return split
        end

        -- Every change of a group's membership or vectors: one log entry and one rev step, always together, so the last
        -- (rev - r) log entries are exactly the ids changed since rev r (the scan copies in the Api rely on it).
        local function note(P, group, id, keep)
          local g = P .. 'g:' .. group
          if redis.call('EXISTS', g) == 0 then return end
          redis.call('XADD', g .. ':log', 'MAXLEN', '~', keep, '*', 'id', id)
          redis.call('HINCRBY', g, 'rev', 1)
        end
        """;

    /// <summary>
    /// ARGV: prefix, group, createdAt, generation (unique per creation: a group deleted and created again under the
    /// same name is a different group to the scan copies), parts of its graph, its graph's quantization and M (every
    /// indexer builds the group with these, whatever its own settings). Returns 1 when created, 0 when it already
    /// existed.
    /// </summary>
    public const string CreateGroup = """
        local P, group = ARGV[1], ARGV[2]
        local g = P .. 'g:' .. group
        if redis.call('EXISTS', g) == 1 then return 0 end
        redis.call('HSET', g, 'createdAt', ARGV[3], 'gen', ARGV[4], 'quant', ARGV[6], 'm', ARGV[7])
        if tonumber(ARGV[5]) > 1 then redis.call('HSET', g, 'shards', ARGV[5]) end
        redis.call('ZADD', P .. 'groups', 0, group)
        return 1
        """;

    /// <summary>
    /// ARGV: prefix, group, dims, n, change log length, model ('' for raw vectors), then n × (id, vector field
    /// (<c>vh</c> or <c>vec</c>, <see cref="VectorEncoding"/>), vector bytes, metadata JSON). Returns {0, groups...}
    /// on success, naming the other groups with a graph in parts that a vector moved out of (their indexer must take
    /// its node out), {1} when the group is missing, {2, dims} on a dimension mismatch, {3, model} when the group
    /// holds another face model's vectors. The first face write into an empty group records its model; raw vectors
    /// record none and are checked by dimension only. An id that exists (in this group or another group of the
    /// tenant) is replaced: its old index entries go first. The vector is not inserted into the HNSW graph here
    /// (Redis's main thread for 0.4–5 ms a vector): its id joins the group's pending set, which searches scan exactly
    /// and the indexer (<see cref="IndexPending"/>) drains.
    /// </summary>
    public const string Upsert = Unindex + """

        local P, group, dims, n, keep = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
        local g = P .. 'g:' .. group
        if redis.call('EXISTS', g) == 0 then return {1} end
        local current = redis.call('HGET', g, 'dims')
        if current and tonumber(current) ~= dims then return {2, tonumber(current)} end
        local model = ARGV[6]
        if model ~= '' then
          local held = redis.call('HGET', g, 'model')
          if held and held ~= model then return {3, held} end
          if not held and not current then redis.call('HSET', g, 'model', model) end
        end
        if not current then redis.call('HSET', g, 'dims', dims) end
        local pending = g .. ':pending'
        local left, leftList = {}, {0}
        for i = 0, n - 1 do
          local b = 7 + i * 4
          local id, field, blob, meta = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
          local v = P .. 'v:' .. id
          local old = redis.call('HMGET', v, 'group', 'meta')
          if old[1] then
            if unindex(P, old[1], id, old[2], old[1] == group) and not left[old[1]] then
              left[old[1]] = true
              leftList[#leftList + 1] = old[1]
            end
            if old[1] ~= group then note(P, old[1], id, keep) end
            -- A hash of an older layout (float32 'vec', attr and copies of metadata) is rewritten whole.
            redis.call('DEL', v)
          end
          redis.call('HSET', v, 'group', group, field, blob, 'meta', meta)
          redis.call('SADD', pending, id)
          redis.call('ZADD', g .. ':ids', 0, id)
          note(P, group, id, keep)
          for k, val in pairs(cjson.decode(meta)) do
            if k ~= 'createdAt' then
              local m = g .. ':m:' .. k .. '=' .. val
              redis.call('SADD', m, id)
              redis.call('SADD', g .. ':mk', m)
            end
          end
        end
        return leftList
        """;

    /// <summary>
    /// ARGV: prefix, group, change log length, ids... Returns -1 when the group is missing, else
    /// {deleted, notFound ids...}.
    /// </summary>
    public const string DeleteVectors = Unindex + """

        local P, group, keep = ARGV[1], ARGV[2], ARGV[3]
        local g = P .. 'g:' .. group
        if redis.call('EXISTS', g) == 0 then return -1 end
        local deleted, missing = 0, {}
        for i = 4, #ARGV do
          local id = ARGV[i]
          local v = P .. 'v:' .. id
          local old = redis.call('HMGET', v, 'group', 'meta')
          if old[1] == group then
            unindex(P, group, id, old[2])
            redis.call('DEL', v)
            note(P, group, id, keep)
            deleted = deleted + 1
          else
            missing[#missing + 1] = id
          end
        end
        local result = {deleted}
        for _, id in ipairs(missing) do result[#result + 1] = id end
        return result
        """;

    /// <summary>
    /// ARGV: prefix, group. Deletes the group and everything it holds. Returns 0 when it did not exist.
    /// </summary>
    public const string DeleteGroup = """
        local P, group = ARGV[1], ARGV[2]
        local g = P .. 'g:' .. group
        if redis.call('EXISTS', g) == 0 then return 0 end
        local ids = redis.call('ZRANGE', g .. ':ids', 0, -1)
        for i = 1, #ids, 500 do
          local batch = {}
          for j = i, math.min(i + 499, #ids) do batch[#batch + 1] = P .. 'v:' .. ids[j] end
          redis.call('UNLINK', unpack(batch))
        end
        local inverted = redis.call('SMEMBERS', g .. ':mk')
        for i = 1, #inverted, 500 do
          redis.call('UNLINK', unpack(inverted, i, math.min(i + 499, #inverted)))
        end
        redis.call('UNLINK', g, g .. ':vs', g .. ':ids', g .. ':mk', g .. ':log', g .. ':pending', g .. ':lease')
        redis.call('ZREM', P .. 'groups', group)
        return 1
        """;

    /// <summary>
    /// ARGV: prefix, group, revision r, change log length. What changed in the group since revision r: {0} when the
    /// group is missing; {1, rev, gen} when the log no longer reaches back to r (reload); else {2, rev, gen, ids...}
    /// (newest first, an id may repeat). Read-only.
    /// </summary>
    public const string Changes = """
        local P, group, since, keep = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
        local g = P .. 'g:' .. group
        local f = redis.call('HMGET', g, 'createdAt', 'rev', 'gen')
        if not f[1] then return {0} end
        local rev = tonumber(f[2] or '0')
        local gen = f[3] or ('c:' .. f[1])
        local behind = rev - since
        if behind < 0 or behind > keep or redis.call('XLEN', g .. ':log') < behind then return {1, rev, gen} end
        local result = {2, rev, gen}
        if behind > 0 then
          for _, entry in ipairs(redis.call('XREVRANGE', g .. ':log', '+', '-', 'COUNT', behind)) do
            result[#result + 1] = entry[2][2]
          end
        end
        return result
        """;
}
