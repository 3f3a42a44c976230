using FacePing.Inference.Options;
using Microsoft.Extensions.Options;

namespace FacePing.Inference.Admission;

/// <summary>
/// A budget of decoded pixels shared by all requests (<see cref="ImageOptions.MaxPixelsInFlight"/>): a request is
/// admitted with the weight of its decode plan, waits first-in first-out while the budget is full, and is refused
/// (<see cref="AdmissionRefusedException"/>) when no room comes within <see cref="ImageOptions.AdmissionWait"/>.
/// First-in first-out keeps a heavy image from starving behind a stream of light ones.
/// </summary>
public sealed class PixelAdmission(IOptions<ImageOptions> options)
{
    private readonly ImageOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiting = new();
    private long _held;

    /// <summary>Pixels currently admitted.</summary>
    public long Held
    {
        get
        {
            lock (_gate) return _held;
        }
    }

    /// <summary>Waits for room for <paramref name="pixels"/>; dispose the lease when they are released.</summary>
    /// <exception cref="AdmissionRefusedException">No room came within the wait.</exception>
    public async ValueTask<Lease> AdmitAsync(long pixels, CancellationToken cancellationToken)
    {
        var weight = Math.Clamp(pixels, 1, _options.MaxPixelsInFlight);
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (_waiting.Count == 0 && _held + weight <= _options.MaxPixelsInFlight)
            {
                _held += weight;
                return new Lease(this, weight);
            }
            waiter = new Waiter(weight);
            node = _waiting.AddLast(waiter);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AdmissionWait);
        await using (timeout.Token.Register(() => Abandon(node)))
        {
            try
            {
                await waiter.Admitted.Task;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AdmissionRefusedException(_options.ShedRetryAfterSeconds,
                    $"The inference service is at capacity ({_options.MaxPixelsInFlight:N0} decoded pixels in " +
                    "flight); retry after Retry-After.");
            }
        }
        return new Lease(this, weight);
    }

    private void Abandon(LinkedListNode<Waiter> node)
    {
        lock (_gate)
        {
            // Admitted in the meantime: the lease stands (the waiter's task has its result).
            if (node.List is null) return;
            _waiting.Remove(node);
            AdmitWaiting();
        }
        node.Value.Admitted.TrySetCanceled();
    }

    private void Release(long weight)
    {
        lock (_gate)
        {
            _held -= weight;
            AdmitWaiting();
        }
    }

    // Under the lock: admit from the head while the head fits (its continuation runs elsewhere).
    private void AdmitWaiting()
    {
        while (_waiting.First is { } first && _held + first.Value.Weight <= _options.MaxPixelsInFlight)
        {
            _waiting.RemoveFirst();
            _held += first.Value.Weight;
            first.Value.Admitted.TrySetResult();
        }
    }

    private sealed class Waiter(long weight)
    {
        public long Weight { get; } = weight;
        public TaskCompletionSource Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Admitted pixels; disposing releases them (once).</summary>
    public sealed class Lease : IDisposable
    {
        private PixelAdmission? _owner;
        private readonly long _weight;

        internal Lease(PixelAdmission owner, long weight)
        {
            _owner = owner;
            _weight = weight;
        }

        public long Weight => _weight;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(_weight);
    }
}
