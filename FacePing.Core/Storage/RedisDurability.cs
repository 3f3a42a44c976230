using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// Every write the Api answers goes through here, so that it is answered only once the durability mode in force holds
/// (<see cref="VectorStoreOptions.Durability"/>, decided against what the server promises by
/// <see cref="DurabilityVerdict"/> before the first write):
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
/// sent to the node owning the write's first key, right behind the write on that node's one connection. Writes and
/// waits travel on a connection of their own (<see cref="RedisWriteConnection"/>), so a wait never holds back reads.
/// <para>
/// A write that fails in a way that proves it was not applied (READONLY, LOADING, MASTERDOWN, never sent…) is tried
/// once more after <see cref="RetryDelay"/>, long enough for the client to follow a finished failover. A write that was
/// applied but whose wait failed is never reported as not applied: inside a <see cref="DurabilityShortfall"/> scope it
/// is recorded there and the write returns; otherwise <see cref="DurabilityException"/> says it was applied.
/// </para>
/// </summary>
public sealed class RedisDurability
{
    /// <summary>Pause before the one repeat of a write that was refused without being applied.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(300);

    private readonly IConnectionMultiplexer _reads;
    private readonly RedisWriteConnection _connection;
    private readonly string _setting;
    private readonly int _timeout;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly SemaphoreSlim _deciding = new(1, 1);
    private DurabilityVerdict? _verdict;

    // Set when a WAIT found no replica: later writes first ask the primary (ROLE) whether one is back, and are refused
    // before they are applied while none is, instead of each waiting for the whole timeout.
    private volatile bool _replicaMissing;

    // Whether the connection is to a Redis Cluster, known once a server has answered; asked on every write until then.
    private bool? _cluster;

    /// <summary>The policy of <paramref name="options"/>, writes and waits on <paramref name="writes"/> (by default on
    /// <paramref name="redis"/> itself).</summary>
    public RedisDurability(IConnectionMultiplexer redis, IOptions<VectorStoreOptions> options,
        ILogger<RedisDurability>? logger = null, RedisWriteConnection? writes = null,
        IHostApplicationLifetime? lifetime = null, IMeterFactory? meters = null)
    {
        // The mode in force, for the dashboard's metrics: 0 none, 1 local, 2 replica (tags: mode, setting).
        meters?.Create(FaceStore.Activity.Name).CreateObservableGauge("faceping.store.durability",
            () => _verdict is { } v
                ? [new Measurement<int>(Level(v.Mode),
                    new KeyValuePair<string, object?>("mode", v.Mode),
                    new KeyValuePair<string, object?>("setting", v.Setting))]
                : Array.Empty<Measurement<int>>(),
            description: "Durability mode in force: 0 none, 1 local (fsynced AOF), 2 replica");
        _reads = redis;
        _connection = writes ?? new RedisWriteConnection(redis);
        _setting = options.Value.Durability;
        _timeout = options.Value.DurabilityTimeoutMilliseconds;
        _logger = logger ?? NullLogger<RedisDurability>.Instance;
        _lifetime = lifetime;
        if (_setting == DurabilityModes.None) _verdict = DurabilityVerdict.Unchecked(DurabilityModes.None);
    }

    /// <summary>The setting (<see cref="DurabilityModes"/>, <c>auto</c> included).</summary>
    public string Setting => _setting;

    /// <summary>The verdict in force, or null while Redis has not answered yet.</summary>
    public DurabilityVerdict? Verdict => _verdict;

    /// <summary>The write connection (admin commands allowed on it, as the start-up verdict needs).</summary>
    internal ValueTask<IConnectionMultiplexer> ConnectionAsync() => _connection.GetAsync();

    /// <summary>A policy-less instance (<c>none</c>), for stores built without dependency injection.</summary>
    public static RedisDurability None(IConnectionMultiplexer redis) =>
        new(redis, Options.Create(new VectorStoreOptions { Durability = DurabilityModes.None }));

    /// <summary>
    /// Learns what the server promises and decides the mode (once; <see cref="DurabilityVerdict"/>). Throws
    /// <see cref="DurabilityRefusedException"/> when the setting names a mode the server cannot honour (logged as one
    /// critical line; once the host runs, it is stopped too), and a Redis failure while it cannot be asked.
    /// </summary>
    public Task<DurabilityVerdict> DecideAsync(CancellationToken cancellationToken = default) =>
        DecideAsync(stopHost: true, cancellationToken);

    /// <summary>The same at start-up, where the refusal itself ends the start (stopping the host would cancel the
    /// start first and hide the message).</summary>
    internal async Task<DurabilityVerdict> DecideAsync(bool stopHost, CancellationToken cancellationToken)
    {
        if (_verdict is { } known) return known;
        await _deciding.WaitAsync(cancellationToken);
        try
        {
            if (_verdict is not null) return _verdict;
            var writes = await _connection.GetAsync();
            DurabilityVerdict verdict;
            try
            {
                verdict = await DurabilityVerdict.DecideAsync(writes, _setting, cancellationToken);
            }
            catch (DurabilityRefusedException e)
            {
                _logger.LogCritical("{Refusal}", e.Message);
                if (stopHost) _lifetime?.StopApplication();
                throw;
            }
            _logger.LogInformation("Redis durability: {Verdict}", verdict.Describe());
            return _verdict = verdict;
        }
        finally
        {
            _deciding.Release();
        }
    }

    /// <summary>Runs a Lua script as an acknowledged write (see the class remarks).</summary>
    public async Task<RedisResult> EvalAsync(string script, RedisKey[] keys, RedisValue[] args,
        CancellationToken cancellationToken = default)
    {
        var mode = (await DecideAsync(cancellationToken)).Mode;
        return await WriteAsync(keys[0], db => mode == DurabilityModes.None
            ? db.ScriptEvaluateAsync(script, keys, args)
            : Eval(db, script, keys, args), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="write"/> (commands issued on the given database, not awaited inside it) as an acknowledged
    /// write; in a cluster the policy is checked on the node owning <paramref name="route"/>. Throws
    /// <see cref="DurabilityException"/> when the policy does not hold in time (outside a
    /// <see cref="DurabilityShortfall"/> scope).
    /// </summary>
    public async Task<T> WriteAsync<T>(RedisKey route, Func<IDatabaseAsync, Task<T>> write,
        CancellationToken cancellationToken = default)
    {
        var mode = (await DecideAsync(cancellationToken)).Mode;
        try
        {
            return await WriteOnceAsync(mode, route, write, cancellationToken);
        }
        catch (Exception e) when (RedisFailures.Classify(e) is { NotApplied: true } failure)
        {
            _logger.LogInformation("Redis write refused ({Code}): {Error}; trying once more", failure.Code, e.Message);
            await Task.Delay(RetryDelay, cancellationToken);
            return await WriteOnceAsync(mode, route, write, cancellationToken);
        }
    }

    private bool IsCluster(IConnectionMultiplexer redis)
    {
        if (_cluster is { } known) return known;
        var servers = redis.GetServers();
        var cluster = servers.Any(s => s.ServerType == ServerType.Cluster);
        if (servers.Any(s => s.IsConnected)) _cluster = cluster;
        return cluster;
    }

    private async Task<T> WriteOnceAsync<T>(string mode, RedisKey route, Func<IDatabaseAsync, Task<T>> write,
        CancellationToken cancellationToken)
    {
        if (mode == DurabilityModes.None) return await write(_reads.GetDatabase()).WaitAsync(cancellationToken);
        var redis = await _connection.GetAsync();
        var db = redis.GetDatabase();
        var cluster = IsCluster(redis);
        var shortfall = DurabilityShortfall.Current;
        // Once this request applied a write whose wait failed, a later one is not refused up front: the answer already
        // says "applied, not confirmed", and a refusal now would leave the request half done.
        if (mode == DurabilityModes.Replica && _replicaMissing && shortfall is not { Applied: true })
            await EnsureReplicaAsync(cluster ? redis.GetServer(route) : db, cancellationToken);

        object[] waitArgs = mode == DurabilityModes.Local ? [1, 0, _timeout] : [1, _timeout];
        var waitCommand = mode == DurabilityModes.Local ? "WAITAOF" : "WAIT";
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

        // From here on the write was applied: whatever happens to its wait, it is never reported as not applied.
        var promise = mode == DurabilityModes.Local ? "on the primary's disk" : "on a replica";
        string? shortfallDetail = null;
        Exception? waitError = null;
        try
        {
            var reply = await wait.WaitAsync(cancellationToken);
            if (mode == DurabilityModes.Local && (long)((RedisResult[])reply!)[0] < 1)
                shortfallDetail = $"it was not fsynced to the primary's append-only file within {_timeout} ms";
            else if (mode == DurabilityModes.Replica && (long)reply < 1)
            {
                _replicaMissing = true;
                shortfallDetail = $"no replica confirmed it within {_timeout} ms";
            }
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            waitError = e;
            shortfallDetail = $"its confirmation {promise} failed: {e.Message}";
        }
        if (shortfallDetail is null) return value;

        var exception = new DurabilityException(
            $"The write was applied, but it is not yet promised {promise}: {shortfallDetail}.", inner: waitError,
            pending: mode);
        if (shortfall is null) throw exception;
        shortfall.Record(exception);
        _logger.LogWarning("Redis write applied but not confirmed: {Detail}", exception.Message);
        return value;
    }

    private async Task EnsureReplicaAsync(object node, CancellationToken cancellationToken)
    {
        var role = node is IServer server ? server.ExecuteAsync("ROLE") : ((IDatabase)node).ExecuteAsync("ROLE");
        if (OnlineReplicas(await role.WaitAsync(cancellationToken)) > 0)
        {
            _replicaMissing = false;
            return;
        }
        throw new DurabilityException(
            "No replica is connected to the primary, so no write can be confirmed on one (Durability=replica); " +
            "nothing was applied.", notApplied: true);
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

    private static int Level(string mode) => mode switch
    {
        DurabilityModes.Replica => 2,
        DurabilityModes.Local => 1,
        _ => 0,
    };
}
