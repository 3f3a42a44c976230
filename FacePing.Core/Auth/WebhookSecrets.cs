using System.Security.Cryptography;
using System.Text;
using FacePing.Core.Secrets;
using StackExchange.Redis;

namespace FacePing.Core.Auth;

/// <summary>
/// Each tenant's callback signing secret (Standard Webhooks: <c>whsec_</c> + base64 of 32 random bytes), in the
/// tenant's key space (<c>{t:T}:webhook-secret</c>). It is shown once, when created or rotated, and kept sealed
/// (<see cref="SecretSealer"/>): the Ingestion worker, which holds the key ring, unseals it to sign; Redis and its
/// backups hold only ciphertext. A secret an older version stored in clear is sealed the first time it is read.
/// </summary>
public sealed class WebhookSecrets(IConnectionMultiplexer redis, SecretSealer sealer)
{
    private const string Use = "webhook-secret";

    // KEYS: secret. ARGV: the clear value read, its sealed form. Seals it only if no rotation replaced it meanwhile.
    private const string SealIfUnchangedScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') end
        return 1
        """;

    public const string Prefix = "whsec_";

    private static RedisKey Key(string tenant) => "{t:" + tenant + "}:webhook-secret";

    /// <summary>
    /// A new secret when the tenant has none yet, else null (an existing secret is never shown again).
    /// </summary>
    public async Task<string?> CreateIfMissingAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var secret = NewSecret();
        return await redis.GetDatabase()
                .StringSetAsync(Key(tenant), sealer.Seal(tenant, Use, secret), when: When.NotExists)
                .WaitAsync(cancellationToken)
            ? secret
            : null;
    }

    /// <summary>
    /// Replaces the tenant's secret and returns the new one; callbacks are signed with it from now on.
    /// </summary>
    public async Task<string> RotateAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var secret = NewSecret();
        await redis.GetDatabase().StringSetAsync(Key(tenant), sealer.Seal(tenant, Use, secret))
            .WaitAsync(cancellationToken);
        return secret;
    }

    /// <summary>The tenant's secret in clear (to sign with), or null when it has none.</summary>
    public async Task<string?> GetAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        if (await db.StringGetAsync(Key(tenant)).WaitAsync(cancellationToken) is not { IsNull: false } value)
            return null;
        var stored = value.ToString();
        var secret = sealer.Unseal(tenant, Use, stored, out var wasClear);
        if (wasClear)
        {
            await db.ScriptEvaluateAsync(SealIfUnchangedScript, [Key(tenant)],
                [stored, sealer.Seal(tenant, Use, secret)]).WaitAsync(cancellationToken);
        }
        return secret;
    }

    /// <summary>
    /// The <c>webhook-signature</c> value: <c>v1,</c> + base64 HMAC-SHA256, keyed by the secret's bytes, of
    /// <c>id.timestamp.body</c>.
    /// </summary>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
            throw new ArgumentException("Not a webhook secret.", nameof(secret));
        var key = Convert.FromBase64String(secret[Prefix.Length..]);
        var head = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var signed = new byte[head.Length + body.Length];
        head.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(head.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    private static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
