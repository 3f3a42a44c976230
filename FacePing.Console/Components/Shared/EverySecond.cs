namespace FacePing.Console.Components.Shared;

/// <summary>
/// Calls a page back once a second until the page is gone (dispose). The page decides whether there is anything to
/// ask: pages that watch jobs ask only while one is still running.
/// </summary>
public sealed class EverySecond : IDisposable
{
    private readonly CancellationTokenSource stop = new();

    // The token is taken once: the loop may still be in a tick when the source is disposed.
    public EverySecond(Func<Task> tick) => _ = RunAsync(tick, stop.Token);

    private static async Task RunAsync(Func<Task> tick, CancellationToken stopped)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stopped)) await tick();
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }
}
