using System.Security.Cryptography;
using System.Text;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using StackExchange.Redis;

namespace FacePing.Core.Auth;

/// <summary>A tenant key as the admin endpoints list it (never the key itself).</summary>
public sealed record ApiKeyInfo(string Id, string Name, string TenantId, DateTimeOffset CreatedAt, bool Revoked);

/// <summary>A newly created key: <see cref="Key"/> is shown once and never stored.</summary>
public sealed record CreatedApiKey(string Id, string Name, string TenantId, string Key);

/// <summary>
/// Tenant API keys in Redis. Only SHA-256 of a key is stored: keys are 256 random bits, so a fast unsalted hash
/// already makes a stolen hash useless (nothing to brute-force), and lookup stays one O(1) read per request.
/// <code>
/// {faceping:keys}:ids          ZSET  key ids by creation time (ms)
/// {faceping:keys}:id:ID        HASH  name, tenantId, createdAt, revoked, hash
/// {faceping:keys}:hash:SHA256  HASH  id, tenantId   (present only while the key is valid)
/// </code>
/// </summary>
public sealed class ApiKeyStore(IConnectionMultiplexer redis, TimeProvider clock,
    RedisDurability? durability = null)
{
    // KEYS: id key, hash key, ids. ARGV: name, tenantId, createdAt ms, hash, id.
    private const string CreateScript = """
        redis.call('HSET', KEYS[1], 'name', ARGV[1], 'tenantId', ARGV[2], 'createdAt', ARGV[3], 'revoked', 0,
            'hash', ARGV[4])
        redis.call('HSET', KEYS[2], 'id', ARGV[5], 'tenantId', ARGV[2])
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5])
        return 1
        """;

    // KEYS: id key. ARGV: prefix of the hash keys. Returns 0 for an unknown id.
    private const string RevokeScript = """
        local hash = redis.call('HGET', KEYS[1], 'hash')
        if not hash then return 0 end
        redis.call('HSET', KEYS[1], 'revoked', 1)
        redis.call('DEL', ARGV[1] .. hash)
        return 1
        """;

    private const string Prefix = "{faceping:keys}:";
    private static readonly RedisKey Ids = Prefix + "ids";
    private static readonly RedisValue[] InfoFields = ["name", "tenantId", "createdAt", "revoked"];
    private static readonly RedisValue[] LookupFields = ["id", "tenantId"];

    // Every write is acknowledged under the durability policy (FacePing:Store:Durability).
    private readonly RedisDurability _writes = durability ?? RedisDurability.None(redis);

    private static RedisKey IdKey(string id) => Prefix + "id:" + id;
    private static RedisKey HashKey(string hash) => Prefix + "hash:" + hash;

    /// <summary>Creates a key for <paramref name="tenantId"/>, or for a new tenant when it is null.</summary>
    public async Task<CreatedApiKey> CreateAsync(string name, string? tenantId,
        CancellationToken cancellationToken = default)
    {
        var id = Guid.CreateVersion7().ToString("N");
        tenantId ??= Guid.NewGuid().ToString("N");
        if (!Names.IsValidName(tenantId))
            throw new ArgumentException($"tenantId is not {Names.NameRule}.", nameof(tenantId));
        // "fp_" makes leaked keys easy to spot (secret scanners, logs); 32 random bytes in URL-safe base64.
        var key = "fp_" +
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = Hash(key);
        var now = clock.GetUtcNow();

        // One script (atomic, and acknowledged under the durability policy): a key shown once must work later.
        await _writes.EvalAsync(CreateScript, [IdKey(id), HashKey(hash), Ids],
            [name, tenantId, now.ToUnixTimeMilliseconds(), hash, id], cancellationToken);
        return new CreatedApiKey(id, name, tenantId, key);
    }

    /// <summary>The tenant and key id of a presented key, or null when it is unknown or revoked.</summary>
    public Task<(string KeyId, string TenantId)?> FindAsync(string presentedKey,
        CancellationToken cancellationToken = default) =>
        FindByHashAsync(Hash(presentedKey), cancellationToken);

    /// <summary>
    /// <see cref="FindAsync"/> for a key already hashed with <see cref="Hash"/> (callers that need the digest too).
    /// </summary>
    public async Task<(string KeyId, string TenantId)?> FindByHashAsync(string keyHash,
        CancellationToken cancellationToken = default)
    {
        var values = await redis.GetDatabase()
            .HashGetAsync(HashKey(keyHash), LookupFields).WaitAsync(cancellationToken);
        if (values[0].IsNull || values[1].IsNull) return null;
        return ((string)values[0]!, (string)values[1]!);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        var ids = await db.SortedSetRangeByRankAsync(Ids).WaitAsync(cancellationToken);
        var reads = ids.Select(id => db.HashGetAsync(IdKey(id!), InfoFields)).ToArray();
        var result = new List<ApiKeyInfo>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var v = await reads[i];
            if (v[0].IsNull) continue;
            result.Add(new ApiKeyInfo(ids[i]!, v[0]!, v[1]!,
                DateTimeOffset.FromUnixTimeMilliseconds((long)v[2]), (int)v[3] == 1));
        }
        return result;
    }

    /// <summary>Revokes the key at once (its lookup entry is deleted). False when the id is unknown.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        return (long)await _writes.EvalAsync(RevokeScript, [IdKey(id)], [Prefix + "hash:"], cancellationToken) == 1;
    }

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes.</summary>
    public static string Hash(string key)
    {
        Span<byte> digest = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        var buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var n = Encoding.UTF8.GetBytes(key, buffer);
        SHA256.HashData(buffer[..n], digest);
        return Convert.ToHexStringLower(digest);
    }
}
