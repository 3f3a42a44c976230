namespace FacePing.Tests.Infrastructure;

/// <summary>
/// A Redis and an Api host for one test class alone, for tests that kill Redis. Short client timeouts make an outage
/// show within a second instead of the client's default five.
/// </summary>
public sealed class OwnRedisApi : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public ApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Api = new ApiFactory(Redis.ConnectionString + ",connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000");
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
