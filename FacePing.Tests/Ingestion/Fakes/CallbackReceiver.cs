using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FacePing.Tests.Ingestion.Fakes;

/// <summary>
/// A real HTTP server (Kestrel, 127.0.0.1, free port) that records callback POSTs as a plain webhook receiver would:
/// it reads the body by its Content-Length (411 without one) and, given a secret, verifies the Standard Webhooks
/// signature with its own HMAC code (401 when it does not verify). It can answer 503 for the first N requests or stall
/// for a while, to exercise retries and timeouts.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    public ConcurrentQueue<JsonDocument> Received { get; } = new();
    public ConcurrentQueue<Delivery> Deliveries { get; } = new();
    /// <summary>The webhook-id of every request, retries included.</summary>
    public ConcurrentQueue<string> Ids { get; } = new();
    public int FailFirst { get; set; }
    public TimeSpan StallFirst { get; set; }
    public int Requests => Volatile.Read(ref _requests);
    public Uri Url { get; }

    private CallbackReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public sealed record Delivery(string Id, long Timestamp, string Signature);

    public static async Task<CallbackReceiver> StartAsync(string? secret = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        CallbackReceiver? self = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var n = Interlocked.Increment(ref self!._requests);
            self.Ids.Enqueue(context.Request.Headers["webhook-id"].ToString());
            // A stall ends early when the sender gives up, so stopping the receiver does not wait it out.
            if (n == 1 && self.StallFirst > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(self.StallFirst, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }
            }
            if (n <= self.FailFirst) return Results.StatusCode(503);
            if (context.Request.ContentLength is not { } length) return Results.StatusCode(411);
            var body = new byte[length];
            await context.Request.Body.ReadExactlyAsync(body);
            var id = context.Request.Headers["webhook-id"].ToString();
            var timestamp = long.TryParse(context.Request.Headers["webhook-timestamp"], out var t) ? t : 0;
            var signature = context.Request.Headers["webhook-signature"].ToString();
            if (secret is not null && !Verifies(secret, id, timestamp, body, signature)) return Results.StatusCode(401);
            self.Deliveries.Enqueue(new Delivery(id, timestamp, signature));
            self.Received.Enqueue(JsonDocument.Parse(body));
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Urls.First();
        self = new CallbackReceiver(app, new Uri(new Uri(address), "/hook"));
        return self;
    }

    /// <summary>The receiver's side of Standard Webhooks, written independently of the sender's code.</summary>
    private static bool Verifies(string secret, string id, long timestamp, byte[] body, string header)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        using var hmac = new System.Security.Cryptography.HMACSHA256(key);
        var content = System.Text.Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash(content));
        return header.Split(' ').Any(candidate => candidate == expected);
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
