using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace FacePing.Tests.Infrastructure;

/// <summary>
/// A real Redis 8 Cluster of three masters (no replicas) on free loopback ports, each node a provisioned
/// <c>redis-server</c> with its own data directory, AOF and <c>nodes.conf</c>, joined by the provisioned
/// <c>redis-cli --cluster create</c>. Ready once every node reports <c>cluster_state:ok</c>.
/// </summary>
public sealed class RedisCluster : IAsyncLifetime, IDisposable
{
    public const int Masters = 3;

    private readonly string _root = Directory.CreateTempSubdirectory("faceping-cluster-").FullName;
    private readonly Process?[] _processes = new Process?[Masters];
    private readonly int[] _busPorts;
    private ConnectionMultiplexer? _admin;

    public RedisCluster()
    {
        // Data ports and cluster-bus ports, all distinct. The bus port is given explicitly (--cluster-port): the
        // default (port + 10000) overflows 65535 for most ephemeral ports.
        var ports = new HashSet<int>();
        while (ports.Count < 2 * Masters) ports.Add(RedisServer.FreePort());
        var all = ports.ToArray();
        Ports = all[..Masters];
        _busPorts = all[Masters..];
    }

    /// <summary>
    /// The nodes' client ports; master i was given the i-th third of the slots by <c>--cluster create</c>.
    /// </summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>
    /// redis-cli beside the provisioned redis-server (a wrapper that starts Debian 13's binary through its own loader).
    /// </summary>
    public static string RedisCli => Path.Combine(Path.GetDirectoryName(RepoPaths.RedisServer)!, "redis-cli");

    /// <summary>What the Api and the worker are given: every node, so any of them can be down at start-up.</summary>
    public string ConnectionString => string.Join(",", Ports.Select(p => $"127.0.0.1:{p}")) + ",abortConnect=false";

    /// <summary>A cluster-aware connection for assertions (admin commands allowed).</summary>
    public ConnectionMultiplexer Admin =>
        _admin ??= ConnectionMultiplexer.Connect(ConnectionString + ",allowAdmin=true");

    public IDatabase Db => Admin.GetDatabase();

    public IServer Node(int port) => Admin.GetServer("127.0.0.1", port);

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            Dispose(); // no node outlives a failed start
            throw;
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists(RepoPaths.RedisServer) || !File.Exists(RedisCli))
            throw new InvalidOperationException(
                $"{RepoPaths.RedisServer} or {RedisCli} is missing: run ./test.sh (it provisions Redis 8).");
        for (var i = 0; i < Masters; i++) _processes[i] = StartNode(i);
        for (var i = 0; i < Masters; i++) await WaitListeningAsync(i);

        var create = new List<string> { "--cluster", "create" };
        create.AddRange(Ports.Select(p => $"127.0.0.1:{p}"));
        create.AddRange(["--cluster-replicas", "0", "--cluster-yes"]);
        var (code, output) = await RunCliAsync(TimeSpan.FromSeconds(60), [.. create]);
        if (code != 0) throw new InvalidOperationException($"redis-cli --cluster create exited with {code}:\n{output}");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in Ports)
        {
            while (true)
            {
                var (_, info) = await RunCliAsync(TimeSpan.FromSeconds(10), "-h", "127.0.0.1", "-p", port.ToString(),
                    "CLUSTER", "INFO");
                if (info.Contains("cluster_state:ok", StringComparison.Ordinal)) break;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"node {port} is not cluster_state:ok:\n{info}");
                await Task.Delay(100);
            }
        }

        // The assertion connection must see the whole slot map too.
        var admin = Admin;
        var seen = Ports.Select(p => admin.GetServer("127.0.0.1", p)).ToArray();
        if (seen.Any(s => s.ServerType != ServerType.Cluster))
            throw new InvalidOperationException("StackExchange.Redis does not see a cluster: "
                + string.Join(", ", seen.Select(s => $"{s.EndPoint}={s.ServerType}")));
    }

    private Process StartNode(int i)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "node" + i)).FullName;
        var psi = new ProcessStartInfo(RepoPaths.RedisServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The shipped settings first (as RedisServer), then this node's.
        foreach (var arg in RedisServer.ShippedConfiguration) psi.ArgumentList.Add(arg);
        foreach (var arg in new[]
                 {
                     "--bind", "127.0.0.1", "--port", Ports[i].ToString(), "--dir", dir,
                     "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(dir, "nodes.conf"),
                     "--cluster-port", _busPorts[i].ToString(),
                 })
            psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitListeningAsync(int i)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_processes[i]!.HasExited)
                throw new InvalidOperationException(
                    $"redis-server on {Ports[i]} exited with {_processes[i]!.ExitCode}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Ports[i]);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"redis-server did not listen on {Ports[i]}");
    }

    /// <summary>Runs the provisioned redis-cli; returns its exit code and its stdout and stderr together.</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(RedisCli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-cli did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"redis-cli {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The key's hash slot, as the cluster itself computes it (<c>CLUSTER KEYSLOT</c>).</summary>
    public async Task<int> KeySlotAsync(RedisKey key) =>
        (int)await Node(Ports[0]).ExecuteAsync("CLUSTER", "KEYSLOT", (string)key!);

    /// <summary>
    /// The client port of the master that owns the key's slot, from the cluster's own slot map (<c>CLUSTER SLOTS</c>).
    /// </summary>
    public async Task<int> MasterPortOfAsync(RedisKey key)
    {
        var slot = await KeySlotAsync(key);
        var ranges = (RedisResult[])(await Node(Ports[0]).ExecuteAsync("CLUSTER", "SLOTS"))!;
        foreach (var range in ranges)
        {
            var r = (RedisResult[])range!;
            if ((int)r[0] <= slot && slot <= (int)r[1]) return (int)((RedisResult[])r[2]!)[1];
        }
        throw new InvalidOperationException($"slot {slot} is served by no node");
    }

    /// <summary>
    /// The client ports of the nodes whose own keyspace holds a key matching <paramref name="pattern"/> (a SCAN on each
    /// node, so this is what the nodes store, not where a client would route). Patterns are Redis globs.
    /// </summary>
    public async Task<IReadOnlyList<int>> NodesHoldingAsync(string pattern)
    {
        var holders = new List<int>();
        foreach (var port in Ports)
        {
            await foreach (var _ in Node(port).KeysAsync(pattern: pattern, pageSize: 1000))
            {
                holders.Add(port);
                break;
            }
        }
        return holders;
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _admin?.Dispose();
        _admin = null;
        for (var i = 0; i < Masters; i++)
        {
            var process = Interlocked.Exchange(ref _processes[i], null);
            if (process is null) continue;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            process.Dispose();
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
