using System.Globalization;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// The durability mode in force (<see cref="Mode"/>: none, local or replica), decided once from the setting
/// (<see cref="Setting"/>, <c>auto</c> included) and what every primary promises (<see cref="Server"/>):
/// <list type="bullet">
/// <item><c>local</c> holds when the primary has its append-only file on and fsyncs every write before replying
/// (<c>appendfsync always</c>, read with <c>CONFIG GET</c>; where a managed service refuses CONFIG, measured: a write
/// followed by <c>WAITAOF 1 0 100</c> must be fsynced at once, three times out of three). With <c>everysec</c> every
/// write would wait for the next once-a-second fsync, longer than the timeout as often as not.</item>
/// <item><c>replica</c> holds when the primary has a replica online (waited for up to
/// <see cref="ReplicaWait"/>, so a service started together with its Redis nodes does not lose the race).</item>
/// <item><c>auto</c> is <c>local</c> when that holds, otherwise <c>none</c>: never <c>replica</c>, which depends on
/// another machine being up at each write and is chosen knowingly.</item>
/// </list>
/// An explicit mode that does not hold is a <see cref="DurabilityRefusedException"/>: the service does not start.
/// </summary>
public sealed record DurabilityVerdict(string Setting, string Mode, string Server)
{
    /// <summary>How long start-up waits for a replica to come online under <c>replica</c>.</summary>
    public static readonly TimeSpan ReplicaWait = TimeSpan.FromSeconds(15);

    private const int ProbeTimeoutMilliseconds = 100;
    private const int Probes = 3;

    /// <summary>A verdict made without asking the server (<c>none</c> needs nothing of it).</summary>
    public static DurabilityVerdict Unchecked(string mode) => new(mode, mode, "not checked: none needs nothing");

    /// <summary>One line for the log, /health and the dashboard.</summary>
    public string Describe() => Setting == Mode
        ? $"{Mode} ({Server})"
        : $"{Mode}, the strongest this server honours (FacePing:Store:Durability={Setting}; {Server})";

    /// <summary>Asks every primary of <paramref name="redis"/> what it promises and decides.</summary>
    public static async Task<DurabilityVerdict> DecideAsync(IConnectionMultiplexer redis, string setting,
        CancellationToken cancellationToken)
    {
        if (setting == DurabilityModes.None) return Unchecked(DurabilityModes.None);
        var primaries = redis.GetServers()
            .Where(s => s.IsConnected && !s.IsReplica && s.ServerType != ServerType.Sentinel).ToArray();
        if (primaries.Length == 0)
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                "No Redis primary is connected yet, so what it promises cannot be asked.");

        var facts = new List<PrimaryFacts>();
        foreach (var primary in primaries)
            facts.Add(await PrimaryFacts.LearnAsync(redis, primary, setting, cancellationToken));
        var server = string.Join("; ", facts.Select(f => f.Describe()));

        if (setting == DurabilityModes.Replica)
        {
            var alone = facts.FirstOrDefault(f => f.Replicas == 0);
            if (alone is not null)
                throw new DurabilityRefusedException(
                    "FacePing:Store:Durability=replica cannot hold: the Redis primary " +
                    $"{alone.EndPoint} has no replica online (waited {ReplicaWait.TotalSeconds:0} s), so no write " +
                    "could be confirmed on one. Either give it a replica running deploy/redis/redis.conf " +
                    "(docs/operations.md: replicas and Sentinel), or set FacePing:Store:Durability to a weaker " +
                    "mode: auto, local or none.");
            return new DurabilityVerdict(setting, DurabilityModes.Replica, server);
        }

        var weak = facts.FirstOrDefault(f => !f.FsyncsEveryWrite);
        if (weak is null) return new DurabilityVerdict(setting, DurabilityModes.Local, server);
        if (setting == DurabilityModes.Auto) return new DurabilityVerdict(setting, DurabilityModes.None, server);
        throw new DurabilityRefusedException(
            $"FacePing:Store:Durability=local cannot hold: the Redis primary {weak.EndPoint} runs with " +
            $"{weak.Persistence()}, so no write could be confirmed as fsynced to its disk in time. Either run Redis " +
            "with deploy/redis/redis.conf (appendonly yes, appendfsync always), or set FacePing:Store:Durability " +
            "to a weaker mode: auto (here: none) or none.");
    }

    /// <summary>What one primary promises (<see cref="AppendOnly"/> null: not known, INFO refused).</summary>
    private sealed record PrimaryFacts(string EndPoint, bool? AppendOnly, string? AppendFsync, string? Measured,
        bool FsyncsEveryWrite, int Replicas)
    {
        public static async Task<PrimaryFacts> LearnAsync(IConnectionMultiplexer redis, IServer primary,
            string setting, CancellationToken cancellationToken)
        {
            var endPoint = primary.EndPoint.ToString()!;
            var persistence = await AskAsync(primary, cancellationToken, "INFO", "persistence");
            bool? appendOnly = persistence is null ? null : persistence.Contains("aof_enabled:1");
            var fsync = await AskAsync(primary, cancellationToken, "CONFIG", "GET", "appendfsync");
            string? measured = null;
            var everyWrite = appendOnly == true && fsync == "always";
            if (appendOnly != false && fsync is null)
            {
                // CONFIG refused (a managed service, or a connection without allowAdmin): measure instead.
                var probe = await ProbeAsync(redis, primary, cancellationToken);
                everyWrite = probe == Probe.FsyncedAtOnce;
                if (probe == Probe.NoAppendOnlyFile) appendOnly = false;
                else
                {
                    appendOnly ??= probe != Probe.NoWaitAof ? true : null;
                    measured = probe switch
                    {
                        Probe.FsyncedAtOnce => "writes are fsynced at once (measured; CONFIG refused)",
                        Probe.Late => "writes wait for a later fsync (measured; CONFIG refused)",
                        _ => "no WAITAOF (a server before Redis 7.2)",
                    };
                }
            }
            var replicas = await ReplicasAsync(primary, cancellationToken);
            if (setting == DurabilityModes.Replica && replicas == 0)
            {
                var deadline = DateTime.UtcNow + ReplicaWait;
                while (replicas == 0 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(250, cancellationToken);
                    replicas = await ReplicasAsync(primary, cancellationToken);
                }
            }
            return new PrimaryFacts(endPoint, appendOnly, fsync, measured, everyWrite, replicas);
        }

        public string Persistence() => AppendOnly switch
        {
            false => "appendonly no",
            true => "appendonly yes, " + (Measured ?? $"appendfsync {AppendFsync}"),
            null => Measured ?? "appendonly unknown",
        };

        public string Describe() => $"primary {EndPoint}: {Persistence()}, " +
                                    $"{Replicas.ToString(CultureInfo.InvariantCulture)} replica(s) online";

        // INFO and CONFIG need allowAdmin in StackExchange.Redis (the write connection has it) and managed services
        // may refuse or rename CONFIG: null then. CONFIG GET answers [name, value].
        private static async Task<string?> AskAsync(IServer primary, CancellationToken cancellationToken,
            string command, params object[] args)
        {
            try
            {
                var reply = await primary.ExecuteAsync(command, args).WaitAsync(cancellationToken);
                if (reply.Resp2Type != ResultType.Array) return (string?)reply;
                return ((RedisResult[])reply!) is [_, var value] ? (string?)value : null;
            }
            catch (Exception e) when (e is RedisServerException or RedisCommandException)
            {
                return null;
            }
        }

        private enum Probe { FsyncedAtOnce, Late, NoAppendOnlyFile, NoWaitAof }

        // A write on the primary's own connection, then WAITAOF 1 0 100: with appendfsync always Redis fsyncs before
        // replying, so the wait returns 1 at once; with everysec it rarely sees the once-a-second fsync within 100 ms
        // (all of three probes passing by chance: about 1 in 1,000).
        private static async Task<Probe> ProbeAsync(IConnectionMultiplexer redis, IServer primary,
            CancellationToken cancellationToken)
        {
            var key = ProbeKey(redis, primary);
            try
            {
                for (var i = 0; i < Probes; i++)
                {
                    var set = primary.ExecuteAsync("SET", key, i, "PX", 10_000);
                    var wait = primary.ExecuteAsync("WAITAOF", 1, 0, ProbeTimeoutMilliseconds);
                    await set.WaitAsync(cancellationToken);
                    if ((long)((RedisResult[])(await wait.WaitAsync(cancellationToken))!)[0] < 1) return Probe.Late;
                }
                return Probe.FsyncedAtOnce;
            }
            catch (RedisServerException e)
            {
                // "WAITAOF cannot be used when numlocal is set but appendonly is disabled", or no WAITAOF at all.
                return e.Message.Contains("appendonly is disabled", StringComparison.Ordinal)
                    ? Probe.NoAppendOnlyFile
                    : Probe.NoWaitAof;
            }
        }

        // A key this primary owns (in a cluster, the first of faceping:durability-probe:{n} hashing to one of its
        // slots), so the probe's write lands on the connection its WAITAOF follows.
        private static RedisKey ProbeKey(IConnectionMultiplexer redis, IServer primary)
        {
            RedisKey key = "faceping:durability-probe";
            if (primary.ServerType != ServerType.Cluster) return key;
            for (var n = 0; n < 100_000; n++)
            {
                key = $"faceping:durability-probe:{{{n}}}";
                if (Equals(redis.GetServer(key).EndPoint, primary.EndPoint)) return key;
            }
            return key;
        }

        private static async Task<int> ReplicasAsync(IServer primary, CancellationToken cancellationToken)
        {
            var role = (RedisResult[])(await primary.ExecuteAsync("ROLE").WaitAsync(cancellationToken))!;
            return (string?)role[0] == "master" ? ((RedisResult[])role[2]!).Length : 0;
        }
    }
}

/// <summary>
/// <see cref="VectorStoreOptions.Durability"/> names a mode the Redis in use cannot honour: the service does not start
/// (the message names the setting, the server's value and both ways out).
/// </summary>
public sealed class DurabilityRefusedException(string message) : InvalidOperationException(message);
