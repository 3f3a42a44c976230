using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace FacePing.Client.Http;

/// <summary>
/// Sends one call: the key as bearer token, an <c>Idempotency-Key</c> on creating calls (one per call, so the retries
/// that the handler below makes of the same message carry the same key), JSON in and out, and every answer that is
/// not a success read into a <see cref="FacePingException"/>.
/// </summary>
internal sealed class ApiConnection(HttpClient http, Uri? baseAddress, string? apiKey)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly ProductInfoHeaderValue UserAgent = new("FacePing.Client",
        typeof(ApiConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion.Split('+')[0] ?? "0");

    public HttpClient Http { get; } = http;

    public Uri? BaseAddress { get; } = baseAddress;

    public string? ApiKey { get; } = apiKey;

    public ApiConnection WithApiKey(string? key) => new(Http, BaseAddress, key);

    public async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, Call call,
        JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, content, call, cancellationToken);
        return await response.Content.ReadFromJsonAsync(answer, cancellationToken)
            ?? throw new FacePingException((int)response.StatusCode, "Empty answer",
                $"{method} {path} answered {(int)response.StatusCode} without a body.");
    }

    public async Task SendAsync(HttpMethod method, string path, HttpContent? content, Call call,
        CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, content, call, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, HttpContent? content,
        Call call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Resolve(path)) { Content = content };
        if (ApiKey is { Length: > 0 } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.UserAgent.Add(UserAgent);
        if (call == Call.Creating)
            request.Headers.TryAddWithoutValidation(IdempotencyHeader, Guid.NewGuid().ToString());
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await ProblemReader.ReadAsync(response, cancellationToken);
    }

    private Uri Resolve(string path)
    {
        var root = Http.BaseAddress ?? BaseAddress ?? throw new InvalidOperationException(
            "The FacePing client has no address: set FacePingClientOptions.Endpoint or HttpClient.BaseAddress.");
        // Paths carry no leading slash, so an API served under a path (https://host/faceping/) keeps it.
        if (!root.AbsoluteUri.EndsWith('/')) root = new Uri(root.AbsoluteUri + "/");
        return new Uri(root, path);
    }
}

/// <summary>Whether a call creates something (and so carries an <c>Idempotency-Key</c>).</summary>
internal enum Call
{
    Reading,
    Creating,
}
