using FacePing.Core.Auth;
using FacePing.Core.Jobs;
using FacePing.Core.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Ingestion.Notifications;

/// <summary>
/// Sends finished jobs' notifications from the <see cref="DeliveryQueue"/>, up to
/// <see cref="DeliveryOptions.Concurrency"/> at a time and apart from the job slots: the e-mail once, the callback one
/// attempt at a time, a retryable failure rescheduled with the sender's back-off (<see cref="CallbackSender"/>) until
/// its last attempt. How each ended is recorded on the job. The callback is signed at send time with the tenant's
/// secret, unsealed only then. A Redis failure is logged and waited out; the delivery's lease makes it due again.
/// </summary>
public sealed class DeliveryWorker(
    DeliveryQueue queue,
    CallbackSender callbacks,
    EmailSender email,
    WebhookSecrets secrets,
    JobStore jobs,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly DeliveryOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sending = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                sending.RemoveAll(t => t.IsCompleted);
                if (sending.Count >= _options.Concurrency)
                {
                    if (!await WaitAsync(Task.WhenAny(sending), stoppingToken)) return;
                    continue;
                }
                IReadOnlyList<(string Tenant, string JobId)> due;
                try
                {
                    due = await queue.TakeDueAsync(_options.Concurrency - sending.Count, _options.Lease);
                }
                catch (Exception e) when (IsRedisFailure(e))
                {
                    logger.LogWarning("Reading the delivery queue failed ({Kind}): {Error}",
                        RedisFailures.Classify(e)?.Code ?? "error", e.Message);
                    if (!await WaitAsync(Task.Delay(_options.PollInterval * 5, stoppingToken), stoppingToken)) return;
                    continue;
                }
                if (due.Count == 0)
                {
                    if (!await WaitAsync(Task.Delay(_options.PollInterval, stoppingToken), stoppingToken)) return;
                    continue;
                }
                foreach (var (tenant, jobId) in due) sending.Add(DeliverAsync(tenant, jobId, stoppingToken));
            }
        }
        finally
        {
            // Each send saw the same stop and handed its delivery back.
            await Task.WhenAll(sending);
        }
    }

    /// <summary>One step of a delivery; catches everything, so the loop only waits for it.</summary>
    private async Task DeliverAsync(string tenant, string jobId, CancellationToken stoppingToken)
    {
        try
        {
            if (await queue.GetAsync(tenant, jobId) is not { } delivery)
            {
                await queue.CompleteAsync(tenant, jobId);
                return;
            }
            using var scope = logger.BeginScope(new Dictionary<string, object>
            {
                ["JobId"] = jobId, ["Tenant"] = tenant,
            });
            var mailing = !delivery.EmailDone && delivery.Email is not null
                ? email.SendAsync(delivery.Email, delivery.Summary, stoppingToken)
                : null;
            CallbackAttempt? attempt = null;
            var attempts = delivery.CallbackAttempts + 1;
            if (delivery.CallbackUrl is { } url)
            {
                attempt = await callbacks.AttemptAsync(new Uri(url), delivery.Summary,
                    await secrets.GetAsync(tenant, stoppingToken), attempts, stoppingToken);
            }
            if (mailing is not null) await jobs.RecordEmailAsync(tenant, jobId, await mailing);

            if (attempt?.Outcome == CallbackOutcome.Retry)
            {
                await queue.RescheduleAsync(delivery with { CallbackAttempts = attempts, EmailDone = true },
                    time.GetUtcNow() + callbacks.RetryDelay(attempts));
                return;
            }
            if (attempt is not null)
                await jobs.RecordCallbackAsync(tenant, jobId, attempt.Outcome.ToString().ToLowerInvariant(), attempts);
            await queue.CompleteAsync(tenant, jobId);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await HandBackAsync(tenant, jobId);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            logger.LogWarning("Delivery for job {JobId} interrupted by a Redis error ({Kind}): {Error}; it is due " +
                "again after {Lease}", jobId, RedisFailures.Classify(e)?.Code ?? "error", e.Message, _options.Lease);
        }
        catch (Exception e)
        {
            // A fault of ours must not stop the loop; the lease makes the delivery due again.
            logger.LogError(e, "Delivery for job {JobId} failed unexpectedly; it is due again after {Lease}", jobId,
                _options.Lease);
        }
    }

    // Best effort: if Redis is what failed, the lease brings the delivery back all the same.
    private async Task HandBackAsync(string tenant, string jobId)
    {
        try
        {
            await queue.ReleaseAsync(tenant, jobId);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            logger.LogWarning("Could not hand back the delivery for job {JobId}: {Error}", jobId, e.Message);
        }
    }

    // As the job worker's: RedisTimeoutException derives from TimeoutException, not RedisException.
    private static bool IsRedisFailure(Exception e) =>
        e is RedisException or TimeoutException || RedisFailures.Classify(e) is not null;

    private static async Task<bool> WaitAsync(Task task, CancellationToken stoppingToken)
    {
        try
        {
            await task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
