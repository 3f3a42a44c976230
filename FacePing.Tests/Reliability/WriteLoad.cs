using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Api;

namespace FacePing.Tests.Reliability;

/// <summary>
/// Writers posting vectors through the Api until stopped, recording every answer: the acknowledged ids with their
/// vectors, and for every other answer its status, content type, Retry-After and body. Used by the fault tests to
/// prove "2xx or 503 problem+json with Retry-After, never anything else" and "nothing acknowledged is lost".
/// </summary>
internal sealed class WriteLoad(HttpClient client, string group, int writers = 4) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];

    public ConcurrentDictionary<string, string> Acknowledged { get; } = new();

    /// <summary>Bodies of 202 write-not-durable answers (applied, durability not confirmed).</summary>
    public ConcurrentBag<string> NotDurable { get; } = [];

    public ConcurrentBag<Answer> Refused { get; } = [];

    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    public TimeSpan Slowest { get; private set; }

    public sealed record Answer(
        HttpStatusCode Status, string? ContentType, TimeSpan? RetryAfter, string Body, DateTime At);

    public void Start()
    {
        for (var i = 0; i < writers; i++)
        {
            var writer = i;
            _tasks.Add(Task.Run(() => RunAsync(writer)));
        }
    }

    private async Task RunAsync(int writer)
    {
        var random = new Random(writer * 7919 + Environment.TickCount);
        while (!_stop.IsCancellationRequested)
        {
            var vector = ApiTestData.Text(ApiTestData.RandomUnit(random, 8));
            var watch = Stopwatch.StartNew();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var response = await client.PostAsync($"/groups/{group}/vector",
                ApiTestData.RawJson($$$"""{"vectorString":"{{{vector}}}","metadata":{"w":{{{writer}}}}}"""),
                timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            lock (_tasks) if (watch.Elapsed > Slowest) Slowest = watch.Elapsed;
            Statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                Acknowledged[JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!] = vector;
            }
            else if (response.StatusCode == HttpStatusCode.Accepted)
            {
                // Applied, its durability not confirmed (write-not-durable): not acknowledged, so its loss in a
                // failover is allowed; the answer must say so.
                NotDurable.Add(body);
            }
            else
            {
                Refused.Add(new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                    response.Headers.RetryAfter?.Delta, body, DateTime.UtcNow));
                await Task.Delay(25);
            }
        }
    }

    /// <summary>Waits (polling, with a deadline) until <paramref name="count"/> writes are acknowledged.</summary>
    public async Task WaitForAcknowledgedAsync(int count, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (Acknowledged.Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"only {Acknowledged.Count} of {count} writes acknowledged in {limit}; " +
                    $"statuses {Describe()}; last refusal: {Refused.OrderBy(r => r.At).LastOrDefault()}");
            if (_tasks.FirstOrDefault(t => t.IsFaulted) is { } failed) await failed;
            await Task.Delay(20);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
    }

    public string Describe() => string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));

    /// <summary>Every answer but 201 was a 503 problem with a Retry-After, or a 202 write-not-durable saying the write
    /// was applied (with its id); returns the failure codes seen.</summary>
    public async Task<IReadOnlyDictionary<string, int>> AssertOnlySuccessOrRetryableAsync()
    {
        await Task.CompletedTask;
        Assert.All(Statuses.Keys, s => Assert.True(s is 201 or 202 or 503,
            $"status {s} seen: {Describe()}; e.g. {Refused.FirstOrDefault(r => (int)r.Status == s)}"));
        foreach (var body in NotDurable)
        {
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("urn:faceping:problem:write-not-durable", problem.GetProperty("type").GetString());
            Assert.True(problem.GetProperty("applied").GetBoolean(), body);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("result").GetProperty("id").GetString()), body);
        }
        var codes = new Dictionary<string, int>();
        foreach (var answer in Refused)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.True(answer.RetryAfter is not null, "503 without Retry-After: " + answer.Body);
            var problem = JsonDocument.Parse(answer.Body).RootElement;
            // Every Redis failure names itself (ProblemExceptionHandler), so a failover reads apart from an outage.
            Assert.True(problem.TryGetProperty("redis", out var c), "503 without the failure's code: " + answer.Body);
            var code = c.GetString()!;
            codes[code] = codes.GetValueOrDefault(code) + 1;
        }
        return codes;
    }

    /// <summary>Every acknowledged vector is readable through the Api with its exact value.</summary>
    public async Task<List<string>> MissingAsync(HttpClient reader)
    {
        var missing = new List<string>();
        foreach (var (id, vector) in Acknowledged)
        {
            using var response = await reader.GetAsync($"/vectors/{id}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                missing.Add($"{id}: {(int)response.StatusCode}");
                continue;
            }
            var stored = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (stored.GetProperty("vectorString").GetString() != vector) missing.Add($"{id}: different vector");
        }
        return missing;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
