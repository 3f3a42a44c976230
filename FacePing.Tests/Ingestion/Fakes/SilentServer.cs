using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FacePing.Tests.Ingestion.Fakes;

/// <summary>
/// A TCP server that accepts connections and never sends a byte, as a stalled FTP server or a silent callback
/// receiver does.
/// </summary>
public sealed class SilentServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentBag<TcpClient> _accepted = [];
    private readonly Task _accepting;
    private readonly CancellationTokenSource _stop = new();

    private SilentServer(TcpListener listener)
    {
        _listener = listener;
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => _accepted.Count;

    public static SilentServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new SilentServer(listener);
    }

    public async Task WaitForConnectionsAsync(int count, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (Connections < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Connections} of {count} connections came in {limit}");
            await Task.Delay(50);
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true) _accepted.Add(await _listener.AcceptTcpClientAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _accepting;
        _listener.Stop();
        foreach (var client in _accepted) client.Dispose();
        _stop.Dispose();
    }
}
