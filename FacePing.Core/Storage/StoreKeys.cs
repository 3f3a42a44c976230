using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// The Redis key layout. Every key of a tenant starts with the hash tag <c>{t:&lt;tenant&gt;}</c>, so a tenant's data
/// lives in one Redis Cluster slot and the multi-key Lua scripts stay legal on a cluster.
/// Group names, metadata keys and ids cannot contain ':' or '=', so the separators below are unambiguous.
/// <code>
/// {t:T}:groups              ZSET  group names (all score 0: lexicographic order)
/// {t:T}:g:G                 HASH  createdAt, gen (changes when the group is re-created), dims (set by the first
///                                 vector), model (of its first face), rev (bumped by every write, for the scan
///                                 copies)
/// {t:T}:g:G:log             STREAM one entry (id) per changed vector, capped: the change log scan copies catch up from
/// {t:T}:g:G:vs              VSET  HNSW index: element = vector id, attributes = {"h":[filter tokens]}
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
}
