namespace FacePing.Core.Storage;

// Building a group's HNSW graph behind its writes.
internal static partial class StoreScripts
{
    /// <summary>
    /// ARGV: prefix, group, indexer id, lease (ms), n, quantization, HNSW links (M). Inserts up to n of the group's
    /// pending vectors into its vector set (VADD from the float32 copy and attributes in the vector hash) and takes
    /// them out of the pending set, in one atomic step, so a write or delete of the same id never interleaves with
    /// it. Only the holder of the group's lease indexes it (taken when free, renewed by every call), so two indexers
    /// never build the same graph; the step that drains the group releases it. Returns {indexed, still pending};
    /// {-1, pending} when another indexer holds the lease; {-2, 0} when the group is gone; {-3, pending, error} when
    /// VADD failed (the ids not yet indexed go back to pending). Quantization and M are fixed when the vector set is
    /// created: an existing set keeps its own.
    /// </summary>
    public const string IndexPending = """
        local P, group, owner, lease, n = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
        local quant, links = ARGV[6], ARGV[7]
        local g = P .. 'g:' .. group
        local pending, vs, leaseKey = g .. ':pending', g .. ':vs', g .. ':lease'
        if redis.call('EXISTS', g) == 0 then return {-2, 0} end
        local holder = redis.call('GET', leaseKey)
        if holder and holder ~= owner then return {-1, redis.call('SCARD', pending)} end
        redis.call('SET', leaseKey, owner, 'PX', lease)
        local ids = redis.call('SPOP', pending, n)
        if #ids > 0 and redis.call('EXISTS', vs) == 1 then
          -- VINFO answers simple strings, which reach Lua as {ok = text}.
          local function text(x) if type(x) == 'table' then return x.ok or x.err end return tostring(x) end
          local info = redis.call('VINFO', vs)
          for j = 1, #info, 2 do
            local field = text(info[j])
            if field == 'hnsw-m' then links = text(info[j + 1]) end
            if field == 'quant-type' then
              local t = text(info[j + 1])
              quant = (t == 'int8' and 'Q8') or (t == 'bin' and 'BIN') or 'NOQUANT'
            end
          end
        end
        local done = 0
        for i, id in ipairs(ids) do
          local v = redis.call('HMGET', P .. 'v:' .. id, 'group', 'vec', 'attr')
          if v[1] == group and v[2] then
            local ok = redis.pcall('VADD', vs, 'FP32', v[2], id, quant, 'M', links, 'SETATTR', v[3] or '{}')
            if type(ok) == 'table' and ok.err then
              -- Redis does not undo the SPOP: put back what was not indexed.
              for j = i, #ids do redis.call('SADD', pending, ids[j]) end
              return {-3, redis.call('SCARD', pending), ok.err}
            end
            done = done + 1
          end
        end
        local left = redis.call('SCARD', pending)
        -- Drained: the lease goes with the work, so a group at rest holds no indexer keys.
        if left == 0 then redis.call('DEL', leaseKey) end
        return {done, left}
        """;
}
