using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FacePing.Core.Storage;

/// <summary>
/// Before any hosted service starts (the worker's included), opens the write connection and decides the durability
/// mode against the Redis in use (<see cref="RedisDurability.DecideAsync"/>): a mode the server cannot honour stops the
/// start with one critical log line naming the fix. A Redis that does not answer yet does not stop the start (it may
/// be restarting): the verdict is then made before the first write.
/// </summary>
public sealed class DurabilityStartup(RedisDurability durability, ILogger<DurabilityStartup> logger)
    : IHostedLifecycleService
{
    /// <summary>How long start-up waits for Redis to say what it promises (a replica's arrival included).</summary>
    public static readonly TimeSpan Limit = DurabilityVerdict.ReplicaWait + TimeSpan.FromSeconds(10);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await durability.DecideAsync(stopHost: false, cancellationToken).WaitAsync(Limit, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException || RedisFailures.Classify(e) is not null)
        {
            logger.LogWarning("Redis did not say what it promises at start-up ({Error}); the durability mode " +
                              "(FacePing:Store:Durability={Setting}) is decided before the first write",
                e.Message, durability.Setting);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
