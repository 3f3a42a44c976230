namespace FacePing.Tests.Infrastructure;

/// <summary>
/// The exception a host throws when its start-up fails. WebApplicationFactory runs a minimal-hosting Program on a
/// thread of its own; when that start-up throws, the test's thread sometimes loses the race and sees only an
/// ObjectDisposedException from the already disposed host, the real error gone. A fresh factory then shows it. The
/// blocking start runs off the thread pool (<see cref="HostStart"/>).
/// </summary>
public static class StartupFailure
{
    private const int Attempts = 5;

    public static async Task<Exception> CaptureAsync<TFactory>(Func<TFactory> create, Action<TFactory> start)
        where TFactory : IAsyncDisposable
    {
        for (var attempt = 1; ; attempt++)
        {
            var factory = create();
            try
            {
                await HostStart.OffThePoolAsync(() => start(factory));
            }
            catch (ObjectDisposedException) when (attempt < Attempts)
            {
                continue;
            }
            catch (Exception e)
            {
                return e;
            }
            finally
            {
                await factory.DisposeAsync();
            }
            Assert.Fail("the host started although its settings are invalid");
        }
    }
}
