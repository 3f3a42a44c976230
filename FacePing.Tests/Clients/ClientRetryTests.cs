using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using FacePing.Client;
using FacePing.Contracts.Problems;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Clients;

/// <summary>
/// The client follows the API's own advice: a 429 or 503 with Retry-After is sent again after that wait, with the
/// same Idempotency-Key; nothing else is retried, and a wait longer than allowed is handed to the caller.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class ClientRetryTests(ClientFixture fx)
{
    /// <summary>Spends the tenant's bucket on the limited Api until it answers 429.</summary>
    private async Task EmptyBucketAsync(string key)
    {
        using var http = new HttpClient { BaseAddress = fx.LimitedApiUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        for (var i = 0; i < 20; i++)
        {
            using var response = await http.GetAsync("/groups");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return;
        }
        throw new InvalidOperationException("the limited Api never answered 429");
    }

    [Fact]
    public async Task A_429_is_sent_again_after_its_Retry_After_with_the_same_idempotency_key()
    {
        var key = (await fx.NewTenantAsync()).Key;
        var recorder = new AttemptRecorder();
        using var client = FacePingClient.Create(new FacePingClientOptions
        {
            Endpoint = fx.LimitedApiUrl, ApiKey = key, MaxRetries = 3,
        }, recorder);
        // A token can come back between the emptying and the call (one a second): then the call is not limited and the
        // test tries again with a new group; the emptying leaves that a few milliseconds, so a second try is rare.
        IReadOnlyList<AttemptRecorder.Attempt> attempts = [];
        for (var round = 1; round <= 5 && attempts.Count < 2; round++)
        {
            await EmptyBucketAsync(key);
            var group = $"retried-{round}";
            var clock = Stopwatch.StartNew();
            var created = await client.Groups.CreateAsync(group);
            Assert.Equal(group, created.Name);
            attempts = recorder.Of("POST", $"/groups/{group}");
            if (attempts.Count >= 2) Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"{clock.Elapsed}");
        }
        Assert.True(attempts.Count >= 2, "the create was never limited");
        Assert.Equal(429, attempts[0].Status);
        Assert.Equal(201, attempts[^1].Status);
        Assert.False(string.IsNullOrEmpty(attempts[0].IdempotencyKey));
        Assert.All(attempts, a => Assert.Equal(attempts[0].IdempotencyKey, a.IdempotencyKey));

        // Another logical call gets a key of its own; a reading call gets none.
        await client.Groups.CreateAsync("another");
        var another = recorder.Of("POST", "/groups/another");
        Assert.NotEqual(attempts[0].IdempotencyKey, another[0].IdempotencyKey);
        await client.Groups.ListAsync();
        Assert.All(recorder.Of("GET", "/groups"), a => Assert.Null(a.IdempotencyKey));
    }

    [Fact]
    public async Task Without_retries_the_429_reaches_the_caller_with_its_Retry_After()
    {
        var key = (await fx.NewTenantAsync()).Key;
        using var client = await fx.TenantClientAsync(key,
            new FacePingClientOptions { Endpoint = fx.LimitedApiUrl, MaxRetries = 0 });
        FacePingException? limited = null;
        for (var round = 0; round < 5 && limited is null; round++)
        {
            await EmptyBucketAsync(key);
            limited = await Record.ExceptionAsync(() => client.Groups.ListAsync()) as FacePingException;
        }
        Assert.NotNull(limited);
        Assert.Equal(429, limited.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("Too many requests", limited.Title);
        Assert.Contains("retry", limited.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.True(limited.RetryAfter is { TotalSeconds: >= 1 and <= 2 }, $"{limited.RetryAfter}");
    }

    [Fact]
    public async Task A_503_is_retried_only_within_MaxRetryAfter_and_each_attempt_carries_the_same_key()
    {
        // An Api whose Inference service is a port nobody listens on answers every photo 503 + Retry-After 5.
        await using var api = new ApiFactory(fx.Redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = $"http://127.0.0.1:{RedisServer.FreePort()}",
        });
        var key = (await api.CreateTenantAsync("inference down")).Key;
        var photo = await File.ReadAllBytesAsync(fx.StathamA);

        var impatient = new AttemptRecorder(api.Server.CreateHandler());
        using (var client = FacePingClient.Create(new FacePingClientOptions
        {
            Endpoint = new Uri("http://localhost"), ApiKey = key, MaxRetries = 3,
            MaxRetryAfter = TimeSpan.FromSeconds(2),
        }, impatient))
        {
            await client.Groups.CreateAsync("people");
            var problem = await Assert.ThrowsAsync<FacePingException>(() => client.Faces.StoreAsync("people", photo));
            Assert.Equal(503, problem.Status);
            Assert.Equal(TimeSpan.FromSeconds(ProblemCatalogue.RetryAfterSeconds), problem.RetryAfter);
            Assert.Single(impatient.Of("POST", "/groups/people/face"));
        }

        var patient = new AttemptRecorder(api.Server.CreateHandler());
        using (var client = FacePingClient.Create(new FacePingClientOptions
        {
            Endpoint = new Uri("http://localhost"), ApiKey = key, MaxRetries = 1,
            MaxRetryAfter = TimeSpan.FromSeconds(10),
        }, patient))
        {
            var clock = Stopwatch.StartNew();
            var problem = await Assert.ThrowsAsync<FacePingException>(() => client.Faces.StoreAsync("people", photo));
            Assert.Equal(503, problem.Status);
            var wait = TimeSpan.FromSeconds(ProblemCatalogue.RetryAfterSeconds - 0.5);
            Assert.True(clock.Elapsed >= wait, $"{clock.Elapsed}");
            var attempts = patient.Of("POST", "/groups/people/face");
            Assert.Equal(2, attempts.Count);
            Assert.All(attempts, a => Assert.Equal(503, a.Status));
            Assert.NotNull(attempts[0].IdempotencyKey);
            Assert.Equal(attempts[0].IdempotencyKey, attempts[1].IdempotencyKey);
        }
    }
}
