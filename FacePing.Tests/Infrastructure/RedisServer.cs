using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace FacePing.Tests.Infrastructure;

/// <summary>
/// A real Redis 8 on a free loopback port with its own data directory, started from the binary the set-up provisions.
/// It can be killed and started again on the same port and data (AOF) for fault tests.
/// </summary>
public sealed class RedisServer : IAsyncLifetime, IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("faceping-redis-").FullName;
    private Process? _process;
    private ConnectionMultiplexer? _admin;

    public int Port { get; } = FreePort();

    public string ConnectionString => $"127.0.0.1:{Port},allowAdmin=true,abortConnect=false";

    /// <summary>A connection for assertions on what Redis really holds.</summary>
    public IDatabase Db => (_admin ??= ConnectionMultiplexer.Connect(ConnectionString)).GetDatabase();

    public IServer Server => (_admin ??= ConnectionMultiplexer.Connect(ConnectionString)).GetServer("127.0.0.1", Port);

    public async Task InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        if (!File.Exists(RepoPaths.RedisServer))
            throw new InvalidOperationException($"{RepoPaths.RedisServer} is missing: run ./test.sh (it provisions Redis 8).");
        var psi = new ProcessStartInfo(RepoPaths.RedisServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(), "--dir", _dataDir,
                     "--appendonly", "yes", "--appendfsync", "everysec", "--save", "" })
            psi.ArgumentList.Add(arg);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"redis-server did not listen on {Port}");
    }

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
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
