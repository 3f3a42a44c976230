using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// The Redis key layout. Every key of a tenant starts with the hash tag <c>{t:&lt;tenant&gt;}</c>, so a tenant's data
/// lives in one Redis Cluster slot and the multi-key Lua scripts stay legal on a cluster. The one exception, the parts
/// of a split graph, is written only by the indexer, one part per script.
/// Group names, metadata keys and ids cannot contain ':' or '=', so the separators below are unambiguous.
/// <code>
/// {t:T}:groups              ZSET  group names (all score 0: lexicographic order)
/// {t:T}:g:G                 HASH  createdAt, gen (changes when the group is re-created), dims (set by the first
///                                 vector), model (of its first face), rev (bumped by every write, for the scan
///                                 copies), shards (parts of its graph, when more than 1)
/// {t:T}:g:G:log             STREAM one entry (id) per changed vector, capped: the change log scan copies catch up from
/// {t:T}:g:G:vs              VSET  HNSW index: element = vector id, attributes = {"h":[filter tokens]}
/// {t:T:g:G:N:s:k}:vs        VSET  part s of the HNSW index of a group created with shards = S > 1 (group hash field
///                                 'shards'; N its generation): the ids whose GraphShard is s. Hash tags of their own,
///                                 spread evenly over a cluster's slots (k: see GraphPart); written by the indexer only
/// {t:T}:g:G:pending         SET   ids stored but not yet in vs (searches scan them exactly; the indexer drains it)
/// {t:T}:g:G:lease           STRING id of the indexer building this group's graph (expires)
/// {t:T}:g:G:ids             ZSET  vector ids (score 0: lexicographic paging)
/// {t:T}:g:G:m:K=V           SET   ids whose metadata has K=V (inverted index; every key but createdAt)
/// {t:T}:g:G:mk              SET   names of the group's inverted-index keys (so deletion finds them all)
/// {t:T}:v:ID                HASH  group, the vector: vh (half precision, HalfVectors) or vec (float32 LE bytes; see
///                                 VectorEncoding), meta (JSON, all metadata incl. system keys). Hashes written before
///                                 issue 19 also hold attr, source and createdAt, which nothing reads any more
/// faceping:indexing         SET   "tenant\ngroup" of groups that may have pending ids (FaceStore.IndexingKey)
/// {t:T}:webhook-secret      STRING the tenant's callback signing secret (FacePing.Core/Auth/WebhookSecrets.cs)
/// </code>
/// </summary>
public readonly struct StoreKeys(string tenant)
{
    private readonly string _tenant = tenant;

    /// <summary>Prefix handed to the Lua scripts, which derive the other keys from it exactly as below.</summary>
    public string Prefix { get; } = "{t:" + tenant + "}:";

    public RedisKey Groups => Prefix + "groups";
    public RedisKey Group(string group) => Prefix + "g:" + group;
    public RedisKey VectorSet(string group) => Prefix + "g:" + group + ":vs";
    public RedisKey Pending(string group) => Prefix + "g:" + group + ":pending";
    public RedisKey Ids(string group) => Prefix + "g:" + group + ":ids";
    public RedisKey Inverted(string group, string key, string value) =>
        Prefix + "g:" + group + ":m:" + key + "=" + value;
    public RedisKey Vector(string id) => Prefix + "v:" + id;

    /// <summary>
    /// Part <paramref name="shard"/> of <paramref name="shards"/> of the graph of a group split into parts
    /// (generation <c>N</c>). The cluster's 16,384 slots are cut into <paramref name="shards"/> equal ranges, and each
    /// part's hash tag ends in the smallest counter that puts it in the middle half of its own range (the ranges
    /// turned by an amount drawn from the group, so that groups do not all put part 0 on the same primary).
    /// <c>redis-cli --cluster create</c> gives the primaries contiguous, even slot ranges, so with a multiple of
    /// their number of parts every primary gets the same number, instead of as many as chance gives it.
    /// </summary>
    public RedisKey GraphPart(string group, string generation, int shard, int shards)
    {
        var tag = "t:" + _tenant + ":g:" + group + ":" + generation + ":" + shard + ":";
        var width = SlotCount / shards;
        var range = (shard + HashSlot("t:" + _tenant + ":g:" + group)) % shards;
        var from = range * width + width / 4;
        for (var k = 0; ; k++)
        {
            var candidate = tag + k.ToString(CultureInfo.InvariantCulture);
            var slot = HashSlot(candidate);
            if (slot >= from && slot < from + Math.Max(1, width / 2)) return "{" + candidate + "}:vs";
        }
    }

    /// <summary>
    /// Every vector set holding the group's graph: its own <see cref="VectorSet"/>, or, for a group split into
    /// <paramref name="shards"/> &gt; 1 parts, each <see cref="GraphPart"/>.
    /// </summary>
    public RedisKey[] Graph(string group, string generation, int shards)
    {
        if (shards <= 1) return [VectorSet(group)];
        // Every search of the group asks for these: found once (a few hundred CRCs) and remembered.
        var name = Prefix + group + "\n" + generation + "\n" + shards;
        if (KnownParts.TryGetValue(name, out var known)) return known;
        var parts = new RedisKey[shards];
        for (var s = 0; s < shards; s++) parts[s] = GraphPart(group, generation, s, shards);
        if (KnownParts.Count >= 10_000) KnownParts.Clear();
        KnownParts[name] = parts;
        return parts;
    }

    private static readonly ConcurrentDictionary<string, RedisKey[]> KnownParts = new(StringComparer.Ordinal);

    private const int SlotCount = 16384;

    /// <summary>Redis Cluster's slot of a hash tag: CRC16 (XMODEM) of its UTF-8 bytes, modulo 16,384.</summary>
    internal static int HashSlot(string tag)
    {
        var crc = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(tag))
        {
            crc ^= b << 8;
            for (var i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
        }
        return (crc & 0xFFFF) % SlotCount;
    }

    /// <summary>
    /// The part of a split graph that holds <paramref name="id"/>: FNV-1a over its characters, so every process
    /// agrees, and an id written again lands where its old node is.
    /// </summary>
    public static int GraphShard(string id, int shards)
    {
        var hash = 2166136261u;
        foreach (var c in id) hash = (hash ^ c) * 16777619u;
        return (int)(hash % (uint)shards);
    }
}
