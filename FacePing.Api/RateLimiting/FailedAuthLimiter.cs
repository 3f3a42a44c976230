using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FacePing.Api.RateLimiting;

/// <summary>
/// A token bucket per client address that only failed authentications (unknown, revoked or malformed keys) take from.
/// Once it is empty, the address's unverified keys are answered 429 before the Redis lookup, so guessing keys costs the
/// attacker time and the Api nothing. Buckets live in a <see cref="PartitionedRateLimiter{TResource}"/>, which drops a
/// bucket some seconds after it has filled up again: memory follows the addresses that failed recently, not all ever
/// seen. Keys that authenticated in the last <see cref="VerifiedFor"/> still get their lookup from a blocked address,
/// so a guesser cannot lock out the tenants behind the same address (a NAT, or a proxy whose forwarded headers are not
/// set up).
/// </summary>
public sealed partial class FailedAuthLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _failures;
    private readonly PartitionedRateLimiter<string>? _warnings;
    private readonly ILogger<FailedAuthLimiter> _logger;
    private readonly TimeSpan _tokenPeriod;
    private readonly int _burst;
    private readonly int _perMinute;

    /// <summary>How long a successful key keeps passing blocks.</summary>
    public static readonly TimeSpan VerifiedFor = TimeSpan.FromMinutes(10);

    // Key hashes (ApiKeyStore.Hash) of recently verified keys → when (Environment.TickCount64): digests, not keys, so a
    // memory dump of the process shows nothing Redis does not already hold. Bounded: pruned, and emptied past the
    // limit.
    private const int MaxVerified = 100_000;
    private readonly ConcurrentDictionary<string, long> _verified = new(StringComparer.Ordinal);

    public FailedAuthLimiter(IOptions<RateLimitOptions> options, ILogger<FailedAuthLimiter> logger)
    {
        _logger = logger;
        var o = options.Value;
        if (!o.Enabled) return;
        (_burst, _perMinute) = (o.FailedAuthBurst, o.FailedAuthPerMinute);
        // One token per period, so the period is exactly the wait for the next failure an empty bucket allows.
        var period = _tokenPeriod = TimeSpan.FromMinutes(1) / o.FailedAuthPerMinute;
        _failures = PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = o.FailedAuthBurst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        // One warning per address per block window: the time its bucket takes to fill again (1 s to 1 h), so a
        // persistent guesser is logged every window, not on each request.
        var window = TimeSpan.FromTicks(Math.Clamp(period.Ticks * o.FailedAuthBurst, TimeSpan.TicksPerSecond,
            TimeSpan.TicksPerHour));
        _warnings = PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = 1, Window = window, QueueLimit = 0, AutoReplenishment = true
            }));
    }

    /// <summary>
    /// How long <paramref name="address"/> must wait before it may fail again, or null when it may still try a key.
    /// </summary>
    public TimeSpan? RetryAfter(string address)
    {
        if (_failures is null) return null;
        // Whole tokens only: the bucket refills in fractions, and a fraction must not buy a lookup.
        return _failures.GetStatistics(address)?.CurrentAvailablePermits >= 1 ? null : _tokenPeriod;
    }

    /// <summary>
    /// Remembers that the key with hash <paramref name="keyHash"/> (<c>ApiKeyStore.Hash</c>) authenticated (refreshed
    /// at most once a minute per key).
    /// </summary>
    public void RecordSuccess(string keyHash)
    {
        if (_failures is null) return;
        var now = Environment.TickCount64;
        if (_verified.TryGetValue(keyHash, out var at) && now - at < 60_000) return;
        if (_verified.Count >= MaxVerified) Prune(now);
        _verified[keyHash] = now;
    }

    /// <summary>
    /// True when the key with hash <paramref name="keyHash"/> authenticated within <see cref="VerifiedFor"/>.
    /// </summary>
    public bool WasVerifiedRecently(string keyHash) =>
        _failures is not null && _verified.TryGetValue(keyHash, out var at)
        && Environment.TickCount64 - at < (long)VerifiedFor.TotalMilliseconds;

    private void Prune(long now)
    {
        foreach (var (digest, at) in _verified)
        {
            if (now - at >= (long)VerifiedFor.TotalMilliseconds) _verified.TryRemove(digest, out _);
        }
        if (_verified.Count >= MaxVerified) _verified.Clear();
    }

    /// <summary>Takes a token from <paramref name="address"/>'s bucket; warns when that was its last one.</summary>
    public void RecordFailure(string address)
    {
        if (_failures is null) return;
        // Concurrent failures may find the bucket already empty: the extra lookups they made are bounded by
        // concurrency.
        _failures.AttemptAcquire(address).Dispose();
        if (_failures.GetStatistics(address)?.CurrentAvailablePermits >= 1) return;
        using var warning = _warnings!.AttemptAcquire(address);
        if (warning.IsAcquired)
            LogBlocked(_logger, address, _burst, _perMinute, (int)Math.Ceiling(_tokenPeriod.TotalSeconds));
    }

    /// <summary>
    /// The bucket of a remote address: IPv4 (also when mapped into IPv6) as is, IPv6 by its /64, which is one
    /// subscriber's network, so rotating through its 2^64 addresses buys nothing; no address (in-process test hosts) is
    /// one bucket, "unknown". Behind a reverse proxy, forwarded headers must set the client address, or all callers
    /// share the proxy's.
    /// </summary>
    public static string Partition(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose()
    {
        _failures?.Dispose();
        _warnings?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Client address {Address} spent its failed-authentication budget " +
            "({Burst} at once, {PerMinute} a minute): its unverified keys are answered 429 without a lookup; " +
            "next try in {RetryAfterSeconds} s")]
    private static partial void LogBlocked(ILogger logger, string address, int burst, int perMinute,
        int retryAfterSeconds);
}
