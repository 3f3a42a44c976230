using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// Every write the Api answers goes through here, so that it is answered only once
/// <see cref="VectorStoreOptions.Durability"/> holds:
/// <list type="bullet">
/// <item><c>none</c>: as soon as the primary applied it.</item>
/// <item><c>local</c>: <c>WAITAOF 1 0</c>, the write is in the primary's fsynced append-only file.</item>
/// <item><c>replica</c>: <c>WAIT 1</c>, at least one replica has it (a failover promotes a replica that has it).</item>
/// </list>
/// WAIT and WAITAOF wait for the offset of the last write <em>of their own connection</em>, so the write and its wait
/// are sent as one batch: written back to back on the same connection, or both failed. A wait sent on its own could
/// land on a new connection after a reconnect, where it has nothing to wait for and would confirm a write that was
/// lost. For the same reason scripts go out as <c>EVAL</c> with their text (never <c>EVALSHA</c>, whose NOSCRIPT
/// fallback would be re-sent after the wait). In a cluster a keyless command goes to any primary, so there the wait is
/// sent to the node owning the write's first key, right behind the write on that node's one connection.
/// <para>
/// A write that fails in a way that proves it was not applied (READONLY, LOADING, MASTERDOWN, never sent…) is tried
/// once more after <see cref="RetryDelay"/>, long enough for the client to follow a finished failover.
/// </para>
/// </summary>
public sealed class RedisDurability(IConnectionMultiplexer redis, IOptions<VectorStoreOptions> options,
    ILogger<RedisDurability>? logger = null)
{
    /// <summary>Pause before the one repeat of a write that was refused without being applied.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(300);

    private readonly string _mode = options.Value.Durability;
    private readonly int _timeout = options.Value.DurabilityTimeoutMilliseconds;
    private readonly ILogger _logger = logger ?? NullLogger<RedisDurability>.Instance;

    // Set when a WAIT found no replica: later writes first ask the primary (ROLE) whether one is back, and are refused
    // before they are applied while none is, instead of each blocking the shared connection for the whole timeout.
    private volatile bool _replicaMissing;

    // Whether the connection is to a Redis Cluster, known once a server has answered; asked on every write until then.
    private bool? _cluster;

    /// <summary>The policy in force (<see cref="DurabilityModes"/>).</summary>
    public string Mode => _mode;

    /// <summary>A policy-less instance (<c>none</c>), for stores built without dependency injection.</summary>
    public static RedisDurability None(IConnectionMultiplexer redis) =>
        new(redis, Options.Create(new VectorStoreOptions { Durability = DurabilityModes.None }));

    /// <summary>Runs a Lua script as an acknowledged write (see the class remarks).</summary>
    public Task<RedisResult> EvalAsync(string script, RedisKey[] keys, RedisValue[] args,
        CancellationToken cancellationToken = default) =>
        WriteAsync(keys[0], db => _mode == DurabilityModes.None
            ? db.ScriptEvaluateAsync(script, keys, args)
            : Eval(db, script, keys, args), cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> (commands issued on the given database, not awaited inside it) as an acknowledged
    /// write; in a cluster the policy is checked on the node owning <paramref name="route"/>. Throws
    /// <see cref="DurabilityException"/> when the policy does not hold in time.
    /// </summary>
    public async Task<T> WriteAsync<T>(RedisKey route, Func<IDatabaseAsync, Task<T>> write,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await WriteOnceAsync(route, write, cancellationToken);
        }
        catch (Exception e) when (RedisFailures.Classify(e) is { NotApplied: true } failure)
        {
            _logger.LogInformation("Redis write refused ({Code}): {Error}; trying once more", failure.Code, e.Message);
            await Task.Delay(RetryDelay, cancellationToken);
            return await WriteOnceAsync(route, write, cancellationToken);
        }
    }

    private bool IsCluster()
    {
        if (_cluster is { } known) return known;
        var servers = redis.GetServers();
        var cluster = servers.Any(s => s.ServerType == ServerType.Cluster);
        if (servers.Any(s => s.IsConnected)) _cluster = cluster;
        return cluster;
    }

    private async Task<T> WriteOnceAsync<T>(RedisKey route, Func<IDatabaseAsync, Task<T>> write,
        CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        if (_mode == DurabilityModes.None) return await write(db).WaitAsync(cancellationToken);
        var cluster = IsCluster();
        if (_mode == DurabilityModes.Replica && _replicaMissing)
            await EnsureReplicaAsync(cluster ? redis.GetServer(route) : db, cancellationToken);

        object[] waitArgs = _mode == DurabilityModes.Local ? [1, 0, _timeout] : [1, _timeout];
        var waitCommand = _mode == DurabilityModes.Local ? "WAITAOF" : "WAIT";
        Task<T> result;
        Task<RedisResult> wait;
        if (cluster)
        {
            var node = redis.GetServer(route);
            result = write(db);
            wait = node.ExecuteAsync(waitCommand, waitArgs);
        }
        else
        {
            var batch = db.CreateBatch();
            result = write(batch);
            wait = batch.ExecuteAsync(waitCommand, waitArgs);
            batch.Execute();
        }

        T value;
        try
        {
            value = await result.WaitAsync(cancellationToken);
        }
        catch
        {
            _ = wait.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw;
        }

        RedisResult reply;
        try
        {
            reply = await wait.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            // Applied, but whether it is durable is unknown: never a retry (the write may not be idempotent, e.g. a
            // group's creation), never a 2xx.
            throw new DurabilityException(
                $"The write was applied but could not be confirmed {Promise}: {e.Message}", inner: e);
        }

        if (_mode == DurabilityModes.Local)
        {
            if ((long)((RedisResult[])reply!)[0] < 1)
                throw new DurabilityException(
                    $"The write was applied but was not fsynced to the append-only file within {_timeout} ms " +
                    "(Durability=local needs appendfsync always on the primary; with everysec every write waits " +
                    "for the next once-a-second fsync).");
        }
        else if ((long)reply < 1)
        {
            _replicaMissing = true;
            throw new DurabilityException($"The write was applied but no replica confirmed it within {_timeout} ms.");
        }
        return value;
    }

    private string Promise => _mode == DurabilityModes.Local ? "on the primary's disk" : "on a replica";

    private async Task EnsureReplicaAsync(object node, CancellationToken cancellationToken)
    {
        var role = node is IServer server ? server.ExecuteAsync("ROLE") : ((IDatabase)node).ExecuteAsync("ROLE");
        if (OnlineReplicas(await role.WaitAsync(cancellationToken)) > 0)
        {
            _replicaMissing = false;
            return;
        }
        throw new DurabilityException(
            "No replica is connected to the primary, so no write can be confirmed on one (Durability=replica).",
            notApplied: true);
    }

    /// <summary>The replicas a <c>ROLE</c> reply of a primary lists as online; throws for a replica.</summary>
    public static int OnlineReplicas(RedisResult role)
    {
        var parts = (RedisResult[])role!;
        if ((string?)parts[0] != "master")
            throw new DurabilityException($"The node written to is a {(string?)parts[0]}: a failover is under way.",
                notApplied: true);
        return ((RedisResult[])parts[2]!).Length;
    }

    /// <summary>EVAL with the script's text; keys as <see cref="RedisKey"/>, so a cluster routes by them.</summary>
    internal static Task<RedisResult> Eval(IDatabaseAsync db, string script, RedisKey[] keys, RedisValue[] args)
    {
        var list = new List<object>(2 + keys.Length + args.Length) { script, keys.Length };
        foreach (var key in keys) list.Add(key);
        foreach (var arg in args) list.Add(arg);
        return db.ExecuteAsync("EVAL", list);
    }
}
