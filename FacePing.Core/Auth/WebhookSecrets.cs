using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace FacePing.Core.Auth;

/// <summary>
/// Each tenant's callback signing secret (Standard Webhooks: <c>whsec_</c> + base64 of 32 random bytes), in the
/// tenant's key space (<c>{t:T}:webhook-secret</c>). It is shown once, when created or rotated, and kept readable
/// because the Ingestion worker signs with it; anyone who can read Redis can read it, as with every other tenant's
/// data.
/// </summary>
public sealed class WebhookSecrets(IConnectionMultiplexer redis)
{
    public const string Prefix = "whsec_";

    private static RedisKey Key(string tenant) => "{t:" + tenant + "}:webhook-secret";

    /// <summary>
    /// A new secret when the tenant has none yet, else null (an existing secret is never shown again).
    /// </summary>
    public async Task<string?> CreateIfMissingAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var secret = NewSecret();
        return await redis.GetDatabase()
                .StringSetAsync(Key(tenant), secret, when: When.NotExists).WaitAsync(cancellationToken)
            ? secret
            : null;
    }

    /// <summary>
    /// Replaces the tenant's secret and returns the new one; callbacks are signed with it from now on.
    /// </summary>
    public async Task<string> RotateAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var secret = NewSecret();
        await redis.GetDatabase().StringSetAsync(Key(tenant), secret).WaitAsync(cancellationToken);
        return secret;
    }

    public async Task<string?> GetAsync(string tenant, CancellationToken cancellationToken = default) =>
        await redis.GetDatabase().StringGetAsync(Key(tenant)).WaitAsync(cancellationToken) is { IsNull: false } value
            ? value.ToString()
            : null;

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
