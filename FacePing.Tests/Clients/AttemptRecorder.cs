using System.Collections.Concurrent;

namespace FacePing.Tests.Clients;

/// <summary>
/// Sits below the client's retry handler and records every attempt that goes out: method, path, Idempotency-Key and
/// the status that came back.
/// </summary>
public sealed class AttemptRecorder : DelegatingHandler
{
    public sealed record Attempt(string Method, string Path, string? IdempotencyKey, int Status);

    public ConcurrentQueue<Attempt> Attempts { get; } = new();

    public AttemptRecorder(HttpMessageHandler? inner = null) => InnerHandler = inner ?? new SocketsHttpHandler();

    public IReadOnlyList<Attempt> Of(string method, string path) =>
        [.. Attempts.Where(a => a.Method == method && a.Path == path)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Record(request, response);
        return response;
    }

    private void Record(HttpRequestMessage request, HttpResponseMessage response)
    {
        var key = request.Headers.TryGetValues("Idempotency-Key", out var values) ? values.Single() : null;
        Attempts.Enqueue(new Attempt(request.Method.Method, request.RequestUri!.AbsolutePath, key,
            (int)response.StatusCode));
    }

    /// <summary>
    /// Records into <paramref name="recorder"/> from inside an IHttpClientFactory pipeline (which supplies the next
    /// handler itself).
    /// </summary>
    public sealed class Forwarding(AttemptRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            recorder.Record(request, response);
            return response;
        }
    }
}
