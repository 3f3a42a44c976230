namespace FacePing.Core.Storage;

// Changing one metadata key of stored vectors in place (cluster labels).
internal static partial class StoreScripts
{
    /// <summary>
    /// ARGV: prefix, group, change log length, metadata key K, n, then n × (id, expected metadata JSON, new metadata
    /// JSON, attributes JSON). Replaces each vector's metadata when it is still in the group and its metadata is still
    /// the expected one (compare-and-set: the caller computed the new JSON and the filter tokens from it), moving the
    /// vector between the inverted sets of K (the only key that differs), setting the vector set's attributes, and
    /// noting the id in the group's change log and rev as every write does. Returns -1 when the group is missing, else
    /// {applied, gone, ids whose metadata changed meanwhile...} (the caller reads those again and retries).
    /// </summary>
    public const string ReplaceMetadata = Unindex + """

        local P, group, keep, key, n = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
        local g = P .. 'g:' .. group
        if redis.call('EXISTS', g) == 0 then return -1 end
        local applied, gone, changed = 0, 0, {}
        for i = 0, n - 1 do
          local b = 6 + i * 4
          local id, expected, meta = ARGV[b], ARGV[b + 1], ARGV[b + 2]
          local v = P .. 'v:' .. id
          local current = redis.call('HMGET', v, 'group', 'meta')
          if current[1] ~= group then
            gone = gone + 1
          elseif current[2] ~= expected then
            changed[#changed + 1] = id
          else
            -- A pending vector is not in the graph yet (or has a stale node the indexer replaces): the indexer
            -- derives its attributes from the new metadata. A split graph is out of reach (other hash slots): the
            -- vector goes back to pending, and the indexer writes its node again with the new attributes.
            if redis.call('HEXISTS', g, 'shards') == 1 then
              redis.call('SADD', g .. ':pending', id)
            elseif redis.call('SISMEMBER', g .. ':pending', id) == 0 then
              redis.call('VSETATTR', g .. ':vs', id, ARGV[b + 3])
            end
            local old, new = cjson.decode(expected)[key], cjson.decode(meta)[key]
            if old then redis.call('SREM', g .. ':m:' .. key .. '=' .. old, id) end
            if new then
              local m = g .. ':m:' .. key .. '=' .. new
              redis.call('SADD', m, id)
              redis.call('SADD', g .. ':mk', m)
            end
            redis.call('HSET', v, 'meta', meta)
            note(P, group, id, keep)
            applied = applied + 1
          end
        end
        local result = {applied, gone}
        for _, id in ipairs(changed) do result[#result + 1] = id end
        return result
        """;
}
