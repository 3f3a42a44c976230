using System.Globalization;
using System.Text.Json;
using FacePing.Core.Jobs;
using StackExchange.Redis;

namespace FacePing.Ingestion.Notifications;

/// <summary>
/// End-of-job notifications waiting to be sent, in Redis so they survive a worker: each delivery's record in its
/// tenant's key space (<see cref="JobKeys.Delivery"/>, given a lifetime so it can never linger) and one sorted set of
/// <c>tenant:jobId</c> by due time (ms) that every worker reads. Taking due deliveries moves them a lease ahead
/// atomically, so two workers never send the same one at once and a worker that dies mid-send leaves it due again:
/// at least once, and the stable <c>webhook-id</c> lets receivers drop a repeat.
/// </summary>
public sealed class DeliveryQueue(IConnectionMultiplexer redis, TimeProvider time)
{
    /// <summary>A delivery nobody sent within this long (every worker down) is dropped.</summary>
    public static readonly TimeSpan RecordLifetime = TimeSpan.FromDays(3);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // KEYS: due set. ARGV: now (ms), lease end (ms), count. Only the global key: valid on Redis Cluster.
    private const string TakeScript = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
        return due
        """;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Queues the delivery, due now. Queuing the same job again replaces it (one delivery per job).</summary>
    public async Task EnqueueAsync(PendingDelivery delivery)
    {
        // The record first: a due entry never points at nothing but a delivery already sent.
        await Db.StringSetAsync(JobKeys.Delivery(delivery.Tenant, delivery.JobId),
            JsonSerializer.Serialize(delivery, Json), RecordLifetime);
        await Db.SortedSetAddAsync(JobKeys.DeliveriesDue, Member(delivery.Tenant, delivery.JobId), Now());
    }

    /// <summary>Up to <paramref name="count"/> due deliveries, each now leased for <paramref name="lease"/>.</summary>
    public async Task<IReadOnlyList<(string Tenant, string JobId)>> TakeDueAsync(int count, TimeSpan lease)
    {
        var now = Now();
        var taken = (RedisValue[]?)await Db.ScriptEvaluateAsync(TakeScript, [JobKeys.DeliveriesDue],
            [now, now + (long)lease.TotalMilliseconds, count]) ?? [];
        var result = new List<(string, string)>(taken.Length);
        foreach (var member in taken)
        {
            var text = member.ToString();
            var colon = text.LastIndexOf(':');
            if (colon > 0) result.Add((text[..colon], text[(colon + 1)..]));
            else await Db.SortedSetRemoveAsync(JobKeys.DeliveriesDue, member);
        }
        return result;
    }

    /// <summary>The delivery's record, or null when it is gone (sent, or expired).</summary>
    public async Task<PendingDelivery?> GetAsync(string tenant, string jobId)
    {
        var json = await Db.StringGetAsync(JobKeys.Delivery(tenant, jobId));
        var delivery = json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<PendingDelivery>(json.ToString(), Json);
        // A record always names its own tenant and job; anything else is not sent on this tenant's behalf.
        return delivery is not null && delivery.Tenant == tenant && delivery.JobId == jobId ? delivery : null;
    }

    /// <summary>Stores how far the delivery got and makes it due at <paramref name="due"/>.</summary>
    public async Task RescheduleAsync(PendingDelivery delivery, DateTimeOffset due)
    {
        await Db.StringSetAsync(JobKeys.Delivery(delivery.Tenant, delivery.JobId),
            JsonSerializer.Serialize(delivery, Json), RecordLifetime);
        await Db.SortedSetAddAsync(JobKeys.DeliveriesDue, Member(delivery.Tenant, delivery.JobId),
            due.ToUnixTimeMilliseconds());
    }

    /// <summary>Hands a taken delivery back, due now (the worker is stopping mid-send).</summary>
    public Task ReleaseAsync(string tenant, string jobId) =>
        Db.SortedSetAddAsync(JobKeys.DeliveriesDue, Member(tenant, jobId), Now(), SortedSetWhen.Exists);

    /// <summary>Drops a delivery that has ended (sent, given up, or gone).</summary>
    public async Task CompleteAsync(string tenant, string jobId)
    {
        await Db.KeyDeleteAsync(JobKeys.Delivery(tenant, jobId));
        await Db.SortedSetRemoveAsync(JobKeys.DeliveriesDue, Member(tenant, jobId));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    // Job ids are hex, so the last colon splits the member even when a tenant id holds one.
    private static string Member(string tenant, string jobId) =>
        string.Create(CultureInfo.InvariantCulture, $"{tenant}:{jobId}");
}
