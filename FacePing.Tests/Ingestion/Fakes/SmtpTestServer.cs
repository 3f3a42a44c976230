using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using FacePing.Tests.Infrastructure;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace FacePing.Tests.Ingestion.Fakes;

/// <summary>
/// A real SMTP server (SmtpServer package) in-process on a free 127.0.0.1 port; messages are parsed with MimeKit.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private readonly Store _store = new();

    public int Port { get; } = RedisServer.FreePort();

    public SmtpTestServer()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public IReadOnlyCollection<MimeMessage> Messages => _store.Messages;

    /// <summary>Waits for the first message sent to <paramref name="to"/>.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(string to, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var message = _store.Messages.FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == to));
            if (message is not null) return message;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no e-mail to {to} within {timeout}");
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try { await _running; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    private sealed class Store : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
