using System.Diagnostics;
using System.Net;
using StackExchange.Redis;

namespace FacePing.Tests.Infrastructure;

/// <summary>
/// The high-availability shape for real: a primary and <see cref="ReplicaCount"/> replicas (provisioned redis-server 8
/// with the shipped configuration, <see cref="RedisServer"/>) watched by three Sentinels (the same binary with
/// <c>--sentinel</c>, quorum 2, a primary is judged down after 1 s), all on free loopback ports. Ready once every
/// Sentinel knows the primary, every replica and the other two Sentinels, so a failover can start at once.
/// Services connect with <see cref="ConnectionString"/>, as an operator configures them (docs/operations.md).
/// </summary>
public abstract class RedisSentinelGroup(int replicas) : IAsyncLifetime
{
    public const string ServiceName = "faceping";
    public const int DownAfterMilliseconds = 1000;

    private readonly List<RedisServer> _nodes = [];
    private readonly List<SentinelProcess> _sentinels = [];
    private ConnectionMultiplexer? _sentinelConnection;

    public int ReplicaCount { get; } = replicas;

    /// <summary>Every data node, the first started as the primary.</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    public IReadOnlyList<int> SentinelPorts => _sentinels.Select(s => s.Port).ToArray();

    /// <summary>The Sentinel connection string the Api and the worker are given (short timeouts, so a failover
    /// shows fast).</summary>
    public string ConnectionString =>
        string.Join(",", SentinelPorts.Select(p => $"127.0.0.1:{p}")) +
        $",serviceName={ServiceName},abortConnect=false,connectTimeout=1000,syncTimeout=3000,asyncTimeout=3000";

    public virtual async Task InitializeAsync()
    {
        try
        {
            var primary = new RedisServer();
            _nodes.Add(primary);
            await primary.StartAsync();
            for (var i = 0; i < ReplicaCount; i++)
            {
                var replica = RedisServer.WithArgs("--replicaof", "127.0.0.1", primary.Port.ToString());
                _nodes.Add(replica);
                await replica.StartAsync();
            }
            for (var i = 0; i < 3; i++)
            {
                var sentinel = new SentinelProcess(primary.Port);
                _sentinels.Add(sentinel);
                await sentinel.StartAsync();
            }
            await WaitUntilAsync(async () =>
            {
                foreach (var sentinel in _sentinels)
                {
                    var server = Sentinels.GetServer("127.0.0.1", sentinel.Port);
                    var known = await server.SentinelReplicasAsync(ServiceName);
                    var online = known.Count(r => r.Any(kv => kv.Key == "flags" && kv.Value == "slave"));
                    if (online < ReplicaCount) return false;
                    if ((await server.SentinelSentinelsAsync(ServiceName)).Length < 2) return false;
                }
                return await OnlineReplicasAsync(primary) == ReplicaCount;
            }, TimeSpan.FromSeconds(30), "the sentinels to know every replica and each other");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection to the Sentinels (their own command set).</summary>
    public ConnectionMultiplexer Sentinels => _sentinelConnection ??= ConnectSentinels();

    private ConnectionMultiplexer ConnectSentinels()
    {
        var options = new ConfigurationOptions
        {
            CommandMap = CommandMap.Sentinel, AbortOnConnectFail = false, TieBreaker = "", AllowAdmin = true,
        };
        foreach (var port in SentinelPorts) options.EndPoints.Add(IPAddress.Loopback, port);
        return ConnectionMultiplexer.SentinelConnect(options);
    }

    /// <summary>The node the Sentinels currently name as primary.</summary>
    public async Task<RedisServer> PrimaryAsync()
    {
        foreach (var port in SentinelPorts)
        {
            try
            {
                var address = await Sentinels.GetServer("127.0.0.1", port)
                    .SentinelGetMasterAddressByNameAsync(ServiceName);
                if (address is IPEndPoint ip) return _nodes.Single(n => n.Port == ip.Port);
            }
            catch (RedisException)
            {
                // Try the next Sentinel.
            }
        }
        throw new InvalidOperationException("no Sentinel names a primary");
    }

    /// <summary>Waits (polling) until the Sentinels name another primary than <paramref name="old"/> and it accepts
    /// writes.</summary>
    public async Task<RedisServer> WaitForNewPrimaryAsync(RedisServer old, TimeSpan limit)
    {
        RedisServer? found = null;
        await WaitUntilAsync(async () =>
        {
            var primary = await PrimaryAsync();
            if (primary == old) return false;
            var role = (RedisResult[])(await primary.Db.ExecuteAsync("ROLE"))!;
            found = primary;
            return (string?)role[0] == "master";
        }, limit, "a new primary");
        return found!;
    }

    /// <summary>Replicas <paramref name="primary"/> reports online.</summary>
    public static async Task<int> OnlineReplicasAsync(RedisServer primary)
    {
        var role = (RedisResult[])(await primary.Db.ExecuteAsync("ROLE"))!;
        return (string?)role[0] == "master" ? ((RedisResult[])role[2]!).Length : -1;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is RedisException or InvalidOperationException)
            {
                last = e;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException(
            $"waited {limit} for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }

    public virtual Task DisposeAsync()
    {
        _sentinelConnection?.Dispose();
        foreach (var sentinel in _sentinels) sentinel.Dispose();
        foreach (var node in _nodes) node.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// One Sentinel: <c>redis-server sentinel.conf --sentinel</c>. Sentinel insists on a writable configuration file
    /// (it records what it learns there), so each gets its own in a temporary directory.
    /// </summary>
    private sealed class SentinelProcess(int primaryPort) : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("faceping-sentinel-").FullName;
        private Process? _process;

        public int Port { get; } = RedisServer.FreePort();

        public async Task StartAsync()
        {
            var conf = Path.Combine(_dir, "sentinel.conf");
            await File.WriteAllLinesAsync(conf,
            [
                "bind 127.0.0.1",
                "protected-mode no",
                $"port {Port}",
                $"dir {_dir}",
                $"logfile {Path.Combine(_dir, "sentinel.log")}",
                $"sentinel monitor {ServiceName} 127.0.0.1 {primaryPort} 2",
                $"sentinel down-after-milliseconds {ServiceName} {DownAfterMilliseconds}",
                $"sentinel failover-timeout {ServiceName} 5000",
                $"sentinel parallel-syncs {ServiceName} 1",
            ]);
            var psi = new ProcessStartInfo(RepoPaths.RedisServer)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            psi.ArgumentList.Add(conf);
            psi.ArgumentList.Add("--sentinel");
            _process = Process.Start(psi)
                       ?? throw new InvalidOperationException("redis-server --sentinel did not start");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            await RedisServer.WaitListeningAsync(_process, Port, "redis-server --sentinel");
        }

        public void Dispose()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            _process?.Dispose();
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        }
    }
}
