using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// <c>/health</c>'s view of Redis, saying which of the failures the Api answers 503 for is going on: unreachable or
/// too slow, a failover under way (the node written to is a replica), loading after a restart, persistence failing,
/// or the durability mode unable to hold (the AOF switched off under <c>local</c>, no replica under <c>replica</c>).
/// Healthy names the primary, its online replicas and the durability mode in force with what the server promises
/// (<see cref="DurabilityVerdict"/>); <c>durability</c> and <c>durabilitySetting</c> are in its data.
/// </summary>
public sealed class RedisStoreHealthCheck(IConnectionMultiplexer redis, RedisDurability policy) : IHealthCheck
{
    public const string Name = "redis";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var verdict = policy.Verdict;
        var durability = verdict?.Mode ?? "undecided";
        var data = new Dictionary<string, object>
        {
            ["durability"] = durability, ["durabilitySetting"] = policy.Setting,
        };
        try
        {
            var db = redis.GetDatabase();
            // ROLE answers while Redis loads (PING, below, does not): the role first.
            var role = (RedisResult[])(await db.ExecuteAsync("ROLE").WaitAsync(Timeout, cancellationToken))!;
            var kind = (string)role[0]!;
            data["role"] = kind;
            if (kind != "master")
                return Unhealthy("readonly", $"the node written to is a {kind}: a failover is under way " +
                                             "(or the connection string names a replica)", data);
            var replicas = ((RedisResult[])role[2]!).Length;
            data["replicas"] = replicas;

            var primary = redis.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica);
            if (primary is not null) data["primary"] = primary.EndPoint.ToString()!;
            // PING is refused with LOADING while Redis reads its data set after a restart (ROLE is not).
            var latency = await db.PingAsync().WaitAsync(Timeout, cancellationToken);
            data["pingMilliseconds"] = Math.Round(latency.TotalMilliseconds, 2);
            if (durability == DurabilityModes.Local)
            {
                // Refused at once when the primary has no append-only file; otherwise returns within 1 ms.
                await db.ExecuteAsync("WAITAOF", 1, 0, 1).WaitAsync(Timeout, cancellationToken);
            }
            if (durability == DurabilityModes.Replica && replicas == 0)
                return Unhealthy("not-durable",
                    "Durability=replica and no replica is online: writes are refused (503) until one is", data);
            return HealthCheckResult.Healthy(
                $"primary {primary?.EndPoint}, {replicas} replica(s) online, durability " +
                (verdict?.Describe() ?? $"not decided yet (FacePing:Store:Durability={policy.Setting})"), data);
        }
        catch (RedisServerException e) when (e.Message.Contains("appendonly is disabled", StringComparison.Ordinal))
        {
            return Unhealthy("not-durable",
                "Durability=local needs appendonly yes on the primary, and it was switched off since start-up: " +
                "writes are answered 202 write-not-durable", data);
        }
        catch (Exception e) when (RedisFailures.Classify(e) is { } failure)
        {
            return Unhealthy(failure.Code, $"{failure.Detail} ({e.Message})", data);
        }
        catch (TimeoutException)
        {
            var seconds = Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            return Unhealthy("timeout", $"Redis did not answer within {seconds} s", data);
        }
        catch (Exception e) when (e is RedisException or RedisCommandException)
        {
            return Unhealthy("error", e.Message, data);
        }
    }

    private static HealthCheckResult Unhealthy(string code, string description, Dictionary<string, object> data)
    {
        data["failure"] = code;
        return HealthCheckResult.Unhealthy($"{code}: {description}", data: data);
    }
}
