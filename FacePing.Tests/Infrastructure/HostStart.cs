using Microsoft.AspNetCore.Mvc.Testing;

namespace FacePing.Tests.Infrastructure;

/// <summary>
/// Starts test hosts without holding a thread-pool thread. WebApplicationFactory starts its host synchronously
/// (<c>StartServer</c> blocks on the host's <c>StartAsync</c>), and the start itself needs pool threads (connecting to
/// Redis, hosted services): a fixture doing that on a pool thread, while other collections do the same, blocks the very
/// threads the starts wait for, and every Redis reply queued behind them times out (a starved pool: "Busy=12,
/// QueuedItems=724"). So the blocking start runs on a thread of its own and the caller awaits it.
/// </summary>
public static class HostStart
{
    /// <summary>Starts <paramref name="factory"/>'s host (once; later calls return at once) off the pool.</summary>
    public static Task StartAsync<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class => OffThePoolAsync(factory.StartServer);

    /// <summary>Runs a blocking <paramref name="start"/> on a dedicated thread; its exception is the task's.</summary>
    public static Task OffThePoolAsync(Action start) =>
        Task.Factory.StartNew(start, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
