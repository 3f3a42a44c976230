using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// The connection that carries acknowledged writes and their durability waits, apart from the one that carries reads.
/// Redis serves one connection's commands in order, so a <c>WAIT</c>/<c>WAITAOF</c> holds back everything queued
/// behind it on its connection: on the shared connection a replica round trip delayed every search. A wait must follow
/// its write on the same connection (<see cref="RedisDurability"/>), so the two go together here, and reads keep the
/// connection the Aspire client registered (<see cref="IConnectionMultiplexer"/>). Opened asynchronously on first use
/// (at start-up, by <see cref="DurabilityStartup"/>), from the same connection string as the reads.
/// </summary>
public sealed class RedisWriteConnection : IAsyncDisposable
{
    private readonly IConnectionMultiplexer _reads;
    private readonly string? _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnectionMultiplexer? _writes;
    private bool _own;

    /// <summary>Writes on a connection of their own, opened from <c>ConnectionStrings:redis</c> (the Aspire client's
    /// setting); without one, on <paramref name="reads"/>.</summary>
    public RedisWriteConnection(IConnectionMultiplexer reads, IConfiguration configuration)
    {
        _reads = reads;
        _connectionString = configuration.GetConnectionString("redis")
                            ?? configuration["Aspire:StackExchange:Redis:ConnectionString"];
    }

    /// <summary>Writes on <paramref name="shared"/> itself (stores built without dependency injection).</summary>
    public RedisWriteConnection(IConnectionMultiplexer shared)
    {
        _reads = shared;
        _writes = shared;
    }

    /// <summary>The write connection, opened on the first call (a connection that cannot reach Redis yet is returned
    /// all the same: it reconnects by itself, as the read connection does).</summary>
    public async ValueTask<IConnectionMultiplexer> GetAsync()
    {
        if (_writes is { } writes) return writes;
        await _gate.WaitAsync();
        try
        {
            if (_writes is not null) return _writes;
            if (_connectionString is null) return _writes = _reads;
            var options = ConfigurationOptions.Parse(_connectionString);
            options.AbortOnConnectFail = false;
            // The start-up verdict reads INFO persistence and CONFIG GET appendfsync, which StackExchange.Redis only
            // sends with allowAdmin (a client-side switch: the server's own ACLs still decide).
            options.AllowAdmin = true;
            options.ClientName = (_reads.ClientName is { Length: > 0 } name ? name : "faceping") + "-writes";
            _writes = await ConnectionMultiplexer.ConnectAsync(options);
            _own = true;
            return _writes;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_own && _writes is not null) await _writes.DisposeAsync();
        _gate.Dispose();
    }
}
