using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FacePing.Client.Http;

/// <summary>
/// Sends one call: the key as bearer token, an <c>Idempotency-Key</c> on creating calls (one per call, so the retries
/// that the handler below makes of the same message carry the same key), JSON in and out, and every answer that is
/// not a success read into a <see cref="FacePingException"/>. A write applied but not yet durable (202
/// write-not-durable) returns the answer it carries and is reported to <see cref="NotDurable"/>.
/// </summary>
internal sealed class ApiConnection(HttpClient http, Uri? baseAddress, string? apiKey,
    Action<NotDurableWrite>? notDurable = null)
{
    private const string NotDurableType = "urn:faceping:problem:write-not-durable";

    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly ProductInfoHeaderValue UserAgent = new("FacePing.Client",
        typeof(ApiConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion.Split('+')[0] ?? "0");

    public HttpClient Http { get; } = http;

    public Uri? BaseAddress { get; } = baseAddress;

    public string? ApiKey { get; } = apiKey;

    public Action<NotDurableWrite>? NotDurable { get; } = notDurable;

    public ApiConnection WithApiKey(string? key) => new(Http, BaseAddress, key, NotDurable);

    public async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, Call call,
        JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, content, call, cancellationToken);
        if (IsProblem(response))
        {
            // A 2xx problem is the API's "applied, not yet durable": the answer the write would have had is inside.
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.TryGetProperty("result", out var result)
                && result.Deserialize(answer) is { } value)
            {
                Report(method, path, problem.RootElement);
                return value;
            }
            throw await ProblemReader.ReadAsync(Replay(response, body), cancellationToken);
        }
        return await response.Content.ReadFromJsonAsync(answer, cancellationToken)
            ?? throw new FacePingException((int)response.StatusCode, "Empty answer",
                $"{method} {path} answered {(int)response.StatusCode} without a body.");
    }

    public async Task SendAsync(HttpMethod method, string path, HttpContent? content, Call call,
        CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, content, call, cancellationToken);
        if (IsProblem(response))
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            using var problem = JsonDocument.Parse(body);
            Report(method, path, problem.RootElement);
        }
    }

    private static bool IsProblem(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "application/problem+json";

    private void Report(HttpMethod method, string path, JsonElement problem)
    {
        if (!problem.TryGetProperty("type", out var type) || type.GetString() != NotDurableType)
            throw new FacePingException(problem.GetProperty("status").GetInt32(), "Unexpected problem",
                $"{method} {path} answered a success status with a problem of type {type}.");
        NotDurable?.Invoke(new NotDurableWrite(method.Method, path, Text(problem, "durability"),
            Text(problem, "detail")));
    }

    private static string? Text(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // The body was read to look inside; the problem reader gets it again from a copy of the answer.
    private static HttpResponseMessage Replay(HttpResponseMessage response, byte[] body)
    {
        var copy = new HttpResponseMessage(response.StatusCode) { ReasonPhrase = response.ReasonPhrase };
        copy.Content = new ByteArrayContent(body);
        copy.Content.Headers.ContentType = response.Content.Headers.ContentType;
        foreach (var header in response.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return copy;
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
