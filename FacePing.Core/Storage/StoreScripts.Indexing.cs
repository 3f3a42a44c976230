namespace FacePing.Core.Storage;

// Building a group's HNSW graph behind its writes.
internal static partial class StoreScripts
{
    /// <summary>
    /// ARGV: prefix, group, indexer id, lease (ms), quantization, HNSW links (M), build EF, n, then n × (id, vector
    /// field, its bytes as read, metadata JSON as read, float32 blob, attributes JSON). Inserts each given pending
    /// vector into the group's vector set and takes it out of the pending set, in one atomic step, when its hash still
    /// holds exactly what the caller read (the caller decoded the stored copy and derived the filter tokens from the
    /// metadata, which Lua cannot: they are SHA-256 based); a vector written again or relabelled meanwhile stays
    /// pending for the next step; an id no longer in the group, or whose stored bytes the caller could not decode (an
    /// empty blob), leaves the pending set. Only the holder of the group's lease indexes it (taken when free, renewed
    /// by every call), so two indexers never build the same graph; the step that drains the group releases it.
    /// Returns {indexed, still pending}; {-1, pending} when another indexer holds the lease; {-2, 0} when the group is
    /// gone; {-3, pending, error} when VADD failed (that id and the rest stay pending). The quantization and M given
    /// are the group's (<see cref="CreateGroup"/>); an existing set keeps its own.
    /// </summary>
    public const string IndexPending = GraphSettings + "\n" + Lease + """

        local P, group, owner, lease = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local quant, links, ef, n = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
        local g = P .. 'g:' .. group
        local pending, vs, leaseKey = g .. ':pending', g .. ':vs', g .. ':lease'
        local refused = lease_or_refusal(g, owner, lease)
        if refused then return refused end
        if n > 0 then quant, links = graph_settings(vs, quant, links) end
        local done = 0
        for i = 0, n - 1 do
          local b = 9 + i * 6
          local id, field = ARGV[b], ARGV[b + 1]
          if redis.call('SISMEMBER', pending, id) == 1 then
            local v = redis.call('HMGET', P .. 'v:' .. id, 'group', field, 'meta')
            if v[1] ~= group then
              redis.call('SREM', pending, id)
            elseif v[2] == ARGV[b + 2] and v[3] == ARGV[b + 3] then
              -- Unchanged since the caller read it. An empty blob: unreadable, it cannot join the graph. Otherwise a
              -- replaced vector kept its old node until now (see Unindex): drop it so the graph holds the new one.
              if ARGV[b + 4] ~= '' then
                redis.call('VREM', vs, id)
                local ok = redis.pcall('VADD', vs, 'FP32', ARGV[b + 4], id, quant, 'EF', ef, 'M', links,
                  'SETATTR', ARGV[b + 5])
                if type(ok) == 'table' and ok.err then return {-3, redis.call('SCARD', pending), ok.err} end
                done = done + 1
              end
              redis.call('SREM', pending, id)
            end
          end
        end
        local left = redis.call('SCARD', pending)
        -- Drained: the lease goes with the work, so a group at rest holds no indexer keys.
        if left == 0 then redis.call('DEL', leaseKey) end
        return {done, left}
        """;

    // The quantization and M an existing vector set was made with (VADD into it must repeat them), else the defaults.
    private const string GraphSettings = """
        local function graph_settings(vs, quant, links)
          if redis.call('EXISTS', vs) == 0 then return quant, links end
          -- VINFO answers simple strings, which reach Lua as {ok = text}.
          local function text(x) if type(x) == 'table' then return x.ok or x.err end return tostring(x) end
          local info = redis.call('VINFO', vs)
          for j = 1, #info, 2 do
            local name = text(info[j])
            if name == 'hnsw-m' then links = text(info[j + 1]) end
            if name == 'quant-type' then
              local t = text(info[j + 1])
              quant = (t == 'int8' and 'Q8') or (t == 'bin' and 'BIN') or 'NOQUANT'
            end
          end
          return quant, links
        end
        """;

    // The group's indexing lease, taken when free and renewed by its holder: nil, or the refusal to return ({-2, 0}
    // when the group is gone, {-1, pending} when another indexer holds it).
    private const string Lease = """
        local function lease_or_refusal(g, owner, lease)
          if redis.call('EXISTS', g) == 0 then return {-2, 0} end
          local holder = redis.call('GET', g .. ':lease')
          if holder and holder ~= owner then return {-1, redis.call('SCARD', g .. ':pending')} end
          redis.call('SET', g .. ':lease', owner, 'PX', lease)
          return nil
        end
        """;

    /// <summary>
    /// KEYS[1]: one part of a split graph; ARGV: quantization, HNSW links (M), build EF, n, then n × (id, float32 blob,
    /// attributes JSON). Takes each id's node out of the part and, when its blob is not empty, inserts it again with
    /// that vector and those attributes (the indexer read them from the vector hash; an empty blob: the id left the
    /// group or cannot be read). Returns {inserted}, or {-3, error} when VADD failed. Writes nothing else: whether the
    /// ids leave the pending set is <see cref="ConfirmIndexed"/>'s to decide, in the tenant's slot.
    /// </summary>
    public const string IndexPart = GraphSettings + """

        local quant, links = graph_settings(KEYS[1], ARGV[1], ARGV[2])
        local ef, n, done = ARGV[3], tonumber(ARGV[4]), 0
        for i = 0, n - 1 do
          local b = 5 + i * 3
          local id, blob = ARGV[b], ARGV[b + 1]
          redis.call('VREM', KEYS[1], id)
          if blob ~= '' then
            local ok = redis.pcall('VADD', KEYS[1], 'FP32', blob, id, quant, 'EF', ef, 'M', links,
              'SETATTR', ARGV[b + 2])
            if type(ok) == 'table' and ok.err then return {-3, ok.err} end
            done = done + 1
          end
        end
        return {done}
        """;

    /// <summary>
    /// ARGV: prefix, group, indexer id, lease (ms), n, then n × (id, '1' when the caller read it in the group else '0',
    /// vector field, its bytes as read, metadata JSON as read). After the parts of a split graph were given these ids
    /// (<see cref="IndexPart"/>): takes out of the pending set each id whose hash still holds what the caller read (the
    /// node written is the one the hash holds) or, read out of the group, is still out of it (its node was taken
    /// out); an id written, relabelled, moved or deleted meanwhile stays pending for the next step. Lease and replies
    /// as <see cref="IndexPending"/>: {confirmed, still pending}, {-1, pending}, {-2, 0}.
    /// </summary>
    public const string ConfirmIndexed = Lease + """

        local P, group, owner, lease, n = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
        local g = P .. 'g:' .. group
        local pending = g .. ':pending'
        local refused = lease_or_refusal(g, owner, lease)
        if refused then return refused end
        local done = 0
        for i = 0, n - 1 do
          local b = 6 + i * 5
          local id = ARGV[b]
          local v = redis.call('HMGET', P .. 'v:' .. id, 'group', ARGV[b + 2], 'meta')
          local unchanged
          if ARGV[b + 1] == '1' then
            unchanged = v[1] == group and v[2] == ARGV[b + 3] and v[3] == ARGV[b + 4]
          else
            unchanged = v[1] ~= group
          end
          if unchanged and redis.call('SREM', pending, id) == 1 then done = done + 1 end
        end
        local left = redis.call('SCARD', pending)
        if left == 0 then redis.call('DEL', g .. ':lease') end
        return {done, left}
        """;

    /// <summary>
    /// KEYS[1]: a group's pending set; ARGV[1]: the most ids wanted (-1: all). Every pending id, in one reply; nil when
    /// there are more than ARGV[1] (a search then waits for the scan copy rather than read them all).
    /// </summary>
    public const string PendingUpTo = """
        local limit = tonumber(ARGV[1])
        if limit >= 0 and redis.call('SCARD', KEYS[1]) > limit then return false end
        return redis.call('SMEMBERS', KEYS[1])
        """;
}
