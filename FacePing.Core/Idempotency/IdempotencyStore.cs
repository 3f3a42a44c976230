using System.Security.Cryptography;
using System.Text;
using FacePing.Core.Storage;
using StackExchange.Redis;

namespace FacePing.Core.Idempotency;

/// <summary>What a reservation of an <c>Idempotency-Key</c> found.</summary>
public enum IdempotencyOutcome
{
    /// <summary>The key is new: it is now reserved for this request, which goes ahead.</summary>
    Reserved,
    /// <summary>The key's first request finished: <see cref="IdempotencyReservation.Answer"/> is its answer.</summary>
    Replay,
    /// <summary>The key's first request is still running (or its outcome is not known yet).</summary>
    InFlight,
    /// <summary>The key was used with another request (method, path, query or body).</summary>
    Mismatch,
}

/// <summary>A stored answer: status, the headers a client acts on, and the body.</summary>
public sealed record IdempotentAnswer(int Status, string? ContentType, string? Location, byte[] Body);

public sealed record IdempotencyReservation(IdempotencyOutcome Outcome, IdempotentAnswer? Answer = null);

/// <summary>
/// Remembers, per scope (a tenant, or the admin) and <c>Idempotency-Key</c>, the fingerprint of the first request and,
/// once it finished, its answer, for <see cref="Retention"/>. A key is first reserved (<see cref="PendingLifetime"/>,
/// so a request whose process died does not hold it for a day), then completed with the answer or released (when the
/// request failed without effect, so a retry runs it). Every write goes through the durability policy like the data it
/// stands for.
/// <code>
/// {t:T}:idem:SHA256(key)           HASH  fp (request fingerprint), state (pending|done), status, type, location, body
/// {faceping:admin}:idem:SHA256(key) HASH  the same for the admin's requests
/// </code>
/// </summary>
public sealed class IdempotencyStore(RedisDurability durability)
{
    /// <summary>How long a finished request's answer is kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>How long a reservation lasts without an answer.</summary>
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromSeconds(60);

    private const string ReserveScript = """
        local state = redis.call('HGET', KEYS[1], 'state')
        if not state then
          redis.call('HSET', KEYS[1], 'state', 'pending', 'fp', ARGV[1])
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return {'reserved'}
        end
        if redis.call('HGET', KEYS[1], 'fp') ~= ARGV[1] then return {'mismatch'} end
        if state ~= 'done' then return {'inflight'} end
        return {'done', redis.call('HGET', KEYS[1], 'status'), redis.call('HGET', KEYS[1], 'type'),
          redis.call('HGET', KEYS[1], 'location'), redis.call('HGET', KEYS[1], 'body')}
        """;

    // Only the reservation with this fingerprint is completed or released (not one a later request made after it
    // expired).
    private const string CompleteScript = """
        if redis.call('HGET', KEYS[1], 'fp') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'type', ARGV[3], 'location', ARGV[4],
          'body', ARGV[5])
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        return 1
        """;

    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'fp') == ARGV[1] and redis.call('HGET', KEYS[1], 'state') == 'pending' then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    /// <summary>Scope of the admin's keys (tenants' scopes are their ids).</summary>
    public const string AdminScope = "admin";

    /// <summary>Reserves <paramref name="key"/> for a request with <paramref name="fingerprint"/>, or says what
    /// the key already stands for.</summary>
    public async Task<IdempotencyReservation> ReserveAsync(string scope, string key, string fingerprint,
        CancellationToken cancellationToken)
    {
        var reply = (RedisResult[])(await WriteAsync(ReserveScript, Key(scope, key),
            [fingerprint, (long)PendingLifetime.TotalMilliseconds], cancellationToken))!;
        return (string?)reply[0] switch
        {
            "reserved" => new IdempotencyReservation(IdempotencyOutcome.Reserved),
            "mismatch" => new IdempotencyReservation(IdempotencyOutcome.Mismatch),
            "inflight" => new IdempotencyReservation(IdempotencyOutcome.InFlight),
            _ => new IdempotencyReservation(IdempotencyOutcome.Replay, new IdempotentAnswer(
                (int)reply[1], Text(reply[2]), Text(reply[3]), (byte[]?)reply[4] ?? [])),
        };
    }

    /// <summary>Keeps <paramref name="answer"/> as the key's answer for <see cref="Retention"/>.</summary>
    public Task CompleteAsync(string scope, string key, string fingerprint, IdempotentAnswer answer,
        CancellationToken cancellationToken) =>
        WriteAsync(CompleteScript, Key(scope, key),
            [fingerprint, answer.Status, answer.ContentType ?? "", answer.Location ?? "", answer.Body,
                (long)Retention.TotalMilliseconds], cancellationToken);

    /// <summary>Frees the key of a request that failed without effect, so its retry runs.</summary>
    public Task ReleaseAsync(string scope, string key, string fingerprint, CancellationToken cancellationToken) =>
        WriteAsync(ReleaseScript, Key(scope, key), [fingerprint], cancellationToken);

    /// <summary>SHA-256 (hex) of what identifies a request: method, path, query, and body.</summary>
    public static string Fingerprint(string method, string path, string query, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{method}\n{path}\n{query}\n"));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static RedisKey Key(string scope, string key)
    {
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return scope == AdminScope ? "{faceping:admin}:idem:" + digest : new StoreKeys(scope).Prefix + "idem:" + digest;
    }

    private static string? Text(RedisResult value) => (string?)value is { Length: > 0 } text ? text : null;

    // The bookkeeping's own durability shortfall is not the request's: a scope of its own keeps it out of the answer.
    private async Task<RedisResult> WriteAsync(string script, RedisKey key, RedisValue[] args,
        CancellationToken cancellationToken)
    {
        DurabilityShortfall.Begin();
        return await durability.EvalAsync(script, [key], args, cancellationToken);
    }
}
