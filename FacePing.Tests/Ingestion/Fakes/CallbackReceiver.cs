using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FacePing.Tests.Ingestion.Fakes;

/// <summary>
/// A real HTTP server (Kestrel, 127.0.0.1, free port) that records callback POSTs. It can answer 503 for the first
/// N requests or stall for a while, to exercise retries and timeouts.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    public ConcurrentQueue<JsonDocument> Received { get; } = new();
    public int FailFirst { get; set; }
    public TimeSpan StallFirst { get; set; }
    public int Requests => Volatile.Read(ref _requests);
    public Uri Url { get; }

    private CallbackReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<CallbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        CallbackReceiver? self = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var n = Interlocked.Increment(ref self!._requests);
            if (n == 1 && self.StallFirst > TimeSpan.Zero) await Task.Delay(self.StallFirst);
            if (n <= self.FailFirst) return Results.StatusCode(503);
            self.Received.Enqueue(await JsonDocument.ParseAsync(context.Request.Body));
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Urls.First();
        self = new CallbackReceiver(app, new Uri(new Uri(address), "/hook"));
        return self;
    }

    public async Task<JsonDocument> WaitAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Received.TryPeek(out var doc)) return doc;
            await Task.Delay(50);
        }
        throw new TimeoutException("no callback received");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
