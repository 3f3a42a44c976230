using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FacePing.AppHost;
using StackExchange.Redis;

namespace FacePing.Tests.Infrastructure;

/// <summary>
/// A real Redis 8 on a free loopback port with its own data directory, started from the binary the set-up provisions
/// with the shipped configuration (deploy/redis/redis.conf, each directive an argument as the AppHost passes it), then
/// this server's bind, port and directory, then <c>extraArgs</c> (later arguments win). It can be killed and started
/// again on the same port and data (AOF) for fault tests.
/// </summary>
public sealed class RedisServer : IAsyncLifetime, IDisposable
{
    private IReadOnlyList<string> _extraArgs = [];
    private bool _shipped = true;
    private Process? _process;
    private ConnectionMultiplexer? _admin;

    // xunit builds class fixtures through their one public constructor, so extra arguments come through a factory.
    public RedisServer() { }

    /// <summary>A server (not started) adding <paramref name="extraArgs"/> after the shipped configuration.</summary>
    public static RedisServer WithArgs(params string[] extraArgs) => new() { _extraArgs = extraArgs };

    /// <summary>A server (not started) with redis-server's own defaults (no configuration file: appendonly no), as a
    /// user may have one, plus <paramref name="extraArgs"/>.</summary>
    public static RedisServer Bare(params string[] extraArgs) => new() { _extraArgs = extraArgs, _shipped = false };

    /// <summary>The settings every FacePing Redis runs with, as redis-server arguments (RedisConfigFile).</summary>
    public static IReadOnlyList<string> ShippedConfiguration { get; } =
        RedisConfigFile.Arguments(RedisConfigFile.PathIn(RepoPaths.Root));

    public int Port { get; } = FreePort();

    public string DataDir { get; } = Directory.CreateTempSubdirectory("faceping-redis-").FullName;

    public bool IsRunning => _process is { HasExited: false };

    public string ConnectionString => $"127.0.0.1:{Port},allowAdmin=true,abortConnect=false";

    /// <summary>A connection for assertions on what Redis really holds.</summary>
    public IDatabase Db => Admin.GetDatabase();

    public IServer Server => Admin.GetServer("127.0.0.1", Port);

    private ConnectionMultiplexer Admin => _admin ??= ConnectionMultiplexer.Connect(ConnectionString);

    public async Task InitializeAsync() => await StartAsync();

    /// <summary>Starts redis-server; <paramref name="moreArgs"/> apply to this start only (e.g. a slow load).</summary>
    public async Task StartAsync(IReadOnlyList<string>? moreArgs = null)
    {
        if (!File.Exists(RepoPaths.RedisServer))
            throw new InvalidOperationException(
                $"{RepoPaths.RedisServer} is missing: run ./test.sh (it provisions Redis 8).");
        var psi = new ProcessStartInfo(RepoPaths.RedisServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_shipped)
            foreach (var arg in ShippedConfiguration) psi.ArgumentList.Add(arg);
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(), "--dir", DataDir,
                     "--logfile", Path.Combine(DataDir, "redis.log") })
            psi.ArgumentList.Add(arg);
        foreach (var arg in _extraArgs.Concat(moreArgs ?? [])) psi.ArgumentList.Add(arg);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitListeningAsync(_process, Port, $"redis-server (log: {Path.Combine(DataDir, "redis.log")})");
        // Connected here, asynchronously: the synchronous Connect behind Db would block a pool thread.
        _admin ??= await ConnectionMultiplexer.ConnectAsync(ConnectionString);
    }

    /// <summary>The server's log (its <c>--logfile</c>), for failure messages.</summary>
    public string Log()
    {
        var path = Path.Combine(DataDir, "redis.log");
        try { return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(40)) : ""; }
        catch (IOException) { return ""; }
    }

    /// <summary>SIGSTOP: the server keeps its connections open and answers nothing (a hung or frozen node) until
    /// <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal(19);

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signal(18);

    private void Signal(int signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running");
        if (kill(process.Id, signal) != 0)
            throw new InvalidOperationException(
                $"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    /// <summary>SIGKILL: no shutdown save, as in a crash.</summary>
    public void Kill()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null) return;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
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
        Kill();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Waits (polling, 20 s deadline) until <paramref name="process"/> accepts connections on
    /// <paramref name="port"/>.</summary>
    internal static async Task WaitListeningAsync(Process process, int port, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"{what} exited with {process.ExitCode}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"{what} did not listen on {port}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
