using FacePing.Core.Inference;
using FacePing.Core.Jobs;
using FacePing.Core.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Ingestion.Worker;

/// <summary>
/// Reads jobs from the Redis stream as one consumer of the <c>ingestion</c> group and runs up to
/// <see cref="IngestionOptions.Jobs"/> of them at a time, at most <see cref="IngestionOptions.MaxRunningPerTenant"/>
/// of one tenant: a tenant's further jobs wait (read ahead, still pending on this consumer) while other tenants' jobs
/// take the free slots, and waiting jobs start in turns between tenants, so one tenant's stalled or long imports never
/// hold every slot. Entries of dead consumers that
/// stayed pending longer than <see cref="IngestionOptions.ClaimMinIdle"/> are claimed first (XAUTOCLAIM), so a job
/// whose worker crashed resumes elsewhere; while a job runs its entry is re-claimed by its own consumer now and then,
/// which resets the idle time and keeps other workers off it. An entry is acknowledged only once its job has ended.
/// </summary>
public sealed class IngestionWorker(
    IConnectionMultiplexer redis,
    IServiceProvider services,
    IOptions<IngestionOptions> options,
    ILogger<IngestionWorker> logger) : BackgroundService
{
    private readonly IngestionOptions _options = options.Value;
    private readonly string _consumer =
        options.Value.ConsumerName ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var db = redis.GetDatabase();
        await EnsureGroupAsync(db, stoppingToken);
        logger.LogInformation("Ingestion worker {Consumer} reading {Stream}, {Jobs} jobs at a time, {PerTenant} per " +
            "tenant", _consumer, JobKeys.Stream, _options.Jobs, _options.MaxRunningPerTenant);
        // Job tasks by stream entry id. HandleAsync catches everything a job can throw, so a finished task only frees
        // its slot. Only this loop touches the collections.
        var running = new Dictionary<string, RunningJob>();
        var deferred = new List<DeferredJob>();
        try
        {
            await ReadJobsAsync(db, running, deferred, stoppingToken);
        }
        finally
        {
            // Jobs still running saw the same stop: each hands its job back before the worker exits. Jobs read but
            // not started are handed back too, so their redelivery elsewhere is not counted as a crash.
            await Task.WhenAll(running.Values.Select(r => r.Job));
            foreach (var waiting in deferred)
            {
                await waiting.Renewal.CancelAsync();
                await waiting.Renewing;
                waiting.Renewal.Dispose();
                await HandBackAsync(waiting.Tenant, waiting.Entry["jobId"].ToString());
            }
        }
    }

    /// <summary>A job this worker runs, by stream entry id.</summary>
    private sealed record RunningJob(string Tenant, Task Job);

    /// <summary>
    /// A job read from the stream but not started because its tenant already runs
    /// <see cref="IngestionOptions.MaxRunningPerTenant"/> jobs here. Its entry stays pending on this consumer,
    /// renewed like a running job's, so no other worker takes it meanwhile.
    /// </summary>
    private sealed record DeferredJob(StreamEntry Entry, string Tenant, CancellationTokenSource Renewal, Task Renewing);

    // Fair turns: the tenant whose last start is oldest goes first.
    private readonly Dictionary<string, long> _lastStart = new(StringComparer.Ordinal);
    private long _turn;

    private async Task ReadJobsAsync(IDatabase db, Dictionary<string, RunningJob> running, List<DeferredJob> deferred,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var (id, job) in running.ToList())
                if (job.Job.IsCompleted) running.Remove(id);
            if (running.Count >= _options.Jobs || (deferred.Count >= _options.ReadAhead && running.Count > 0))
            {
                // Every slot is taken, or enough is read ahead: wait for a job to end.
                try
                {
                    await Task.WhenAny(running.Values.Select(r => r.Job)).WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            if (await StartDeferredAsync(db, running, deferred, stoppingToken)) continue;

            StreamEntry[] entries;
            try
            {
                var claimed = await db.StreamAutoClaimAsync(JobKeys.Stream, JobKeys.ConsumerGroup, _consumer,
                    (long)_options.ClaimMinIdle.TotalMilliseconds, "0-0", count: 1);
                // A job of this worker whose renewal fell behind (a long pause) must not start a second time here.
                entries = claimed.ClaimedEntries.Where(e => !e.IsNull && !running.ContainsKey(e.Id.ToString())
                        && deferred.TrueForAll(d => d.Entry.Id != e.Id))
                    .ToArray();
                if (entries.Length > 0)
                {
                    logger.LogInformation("Claimed job entry {EntryId} of a stalled worker", entries[0].Id);
                    if (await GiveUpIfPoisonousAsync(db, entries[0], stoppingToken)) continue;
                }
                else entries = await db.StreamReadGroupAsync(JobKeys.Stream, JobKeys.ConsumerGroup, _consumer,
                    StreamPosition.NewMessages, count: 1);
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                logger.LogWarning("Reading the job stream failed: {Error}", e.Message);
                await Delay(_options.PollInterval * 5, stoppingToken);
                continue;
            }

            if (entries.Length == 0)
            {
                await Delay(_options.PollInterval, stoppingToken);
                continue;
            }
            foreach (var entry in entries)
            {
                var tenant = entry["tenant"].ToString();
                if (RunningFor(running, tenant) < _options.MaxRunningPerTenant)
                {
                    Start(db, entry, tenant, running, stoppingToken);
                    continue;
                }
                logger.LogDebug("Job entry {EntryId} waits: tenant {Tenant} already runs {Max} jobs here", entry.Id,
                    tenant, _options.MaxRunningPerTenant);
                var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                deferred.Add(new DeferredJob(entry, tenant, renewal, RenewAsync(db, entry.Id, renewal.Token)));
            }
        }
    }

    /// <summary>
    /// Starts the waiting job whose tenant has room and waited longest for a turn; false when none can start.
    /// </summary>
    private async Task<bool> StartDeferredAsync(IDatabase db, Dictionary<string, RunningJob> running,
        List<DeferredJob> deferred, CancellationToken stoppingToken)
    {
        DeferredJob? next = null;
        foreach (var waiting in deferred)
        {
            if (RunningFor(running, waiting.Tenant) >= _options.MaxRunningPerTenant) continue;
            if (next is null || LastStart(waiting.Tenant) < LastStart(next.Tenant)) next = waiting;
        }
        if (next is null) return false;
        deferred.Remove(next);
        await next.Renewal.CancelAsync();
        await next.Renewing;
        next.Renewal.Dispose();
        Start(db, next.Entry, next.Tenant, running, stoppingToken);
        return true;
    }

    private void Start(IDatabase db, StreamEntry entry, string tenant, Dictionary<string, RunningJob> running,
        CancellationToken stoppingToken)
    {
        _lastStart[tenant] = ++_turn;
        running[entry.Id.ToString()] = new RunningJob(tenant, HandleAsync(db, entry, stoppingToken));
    }

    private long LastStart(string tenant) => _lastStart.GetValueOrDefault(tenant);

    private static int RunningFor(Dictionary<string, RunningJob> running, string tenant)
    {
        var count = 0;
        foreach (var job in running.Values)
            if (job.Tenant == tenant && !job.Job.IsCompleted) count++;
        return count;
    }

    private async Task HandleAsync(IDatabase db, StreamEntry entry, CancellationToken stoppingToken)
    {
        var tenant = entry["tenant"].ToString();
        var jobId = entry["jobId"].ToString();
        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(jobId))
        {
            await AckAsync(db, entry.Id);
            return;
        }

        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewAsync(db, entry.Id, heartbeat.Token);
        try
        {
            await ProcessResumingAsync(tenant, jobId, stoppingToken);
            await AckAsync(db, entry.Id);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Stopping during job {JobId}; it stays pending and resumes on the next worker",
                jobId);
            await HandBackAsync(tenant, jobId);
        }
        catch (InferenceUnavailableException e)
        {
            logger.LogWarning("Job {JobId} paused: {Error}; it will be claimed again after {MinIdle}",
                jobId, e.Message, _options.ClaimMinIdle);
            await HandBackAsync(tenant, jobId);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            logger.LogWarning(
                "Job {JobId} interrupted by a Redis error: {Error}; it will be claimed again after {MinIdle}",
                jobId, e.Message, _options.ClaimMinIdle);
            await HandBackAsync(tenant, jobId);
        }
        catch (Exception e)
        {
            // A fault of ours must not stop the worker nor come back for ever: the job ends failed, its owner is told.
            logger.LogError(e, "Job {JobId} failed unexpectedly", jobId);
            try
            {
                using var scope = services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<JobProcessor>().FailAsync(tenant, jobId,
                    "The import stopped because of an internal error; submit it again.", stoppingToken);
                await AckAsync(db, entry.Id);
            }
            catch (Exception inner) when (IsRedisFailure(inner) || inner is OperationCanceledException)
            {
                logger.LogWarning("Job {JobId} could not be marked failed: {Error}", jobId, inner.Message);
            }
        }
        finally
        {
            await heartbeat.CancelAsync();
            await renewing;
        }
    }

    /// <summary>
    /// Runs the job; when a transient Redis failure (<see cref="RedisFailures"/>: a failover or a restart, which take
    /// seconds) interrupts it, the job is resumed here after a growing pause, instead of waiting
    /// <see cref="IngestionOptions.ClaimMinIdle"/> to be claimed. Other Redis errors are handed back at once. A run is
    /// safe to repeat (finished files are skipped), and the entry is still this worker's, so nothing else takes the
    /// job meanwhile.
    /// </summary>
    private async Task ProcessResumingAsync(string tenant, string jobId, CancellationToken stoppingToken)
    {
        var delay = _options.RedisRetryDelay;
        for (var retry = 0; ; retry++)
        {
            try
            {
                using var scope = services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<JobProcessor>()
                    .ProcessAsync(tenant, jobId, stoppingToken);
                return;
            }
            catch (Exception e) when (RedisFailures.Classify(e) is not null && retry < _options.RedisRetries)
            {
                logger.LogWarning("Job {JobId} interrupted by a Redis error: {Error}; resuming it in {Delay}",
                    jobId, e.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay *= 2;
            }
        }
    }

    /// <summary>
    /// A claimed entry was delivered before; every delivery that was not a deliberate hand-back means a worker died
    /// with the job. Past <see cref="IngestionOptions.MaxCrashes"/> the job ends failed (and its owner is told).
    /// </summary>
    private async Task<bool> GiveUpIfPoisonousAsync(IDatabase db, StreamEntry entry, CancellationToken stoppingToken)
    {
        var tenant = entry["tenant"].ToString();
        var jobId = entry["jobId"].ToString();
        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(jobId)) return false;
        var pending = await db.StreamPendingMessagesAsync(JobKeys.Stream, JobKeys.ConsumerGroup, 1, _consumer, entry.Id,
            entry.Id);
        if (pending.Length == 0) return false;
        using var scope = services.CreateScope();
        var interruptions = await scope.ServiceProvider.GetRequiredService<JobStore>()
            .GetInterruptionsAsync(tenant, jobId);
        // The first delivery and each hand-back's redelivery are expected; the rest followed a dead worker.
        var crashes = pending[0].DeliveryCount - 1 - interruptions;
        if (crashes <= _options.MaxCrashes) return false;
        logger.LogError("Job {JobId} was interrupted by a dying worker {Crashes} times; giving it up", jobId, crashes);
        await scope.ServiceProvider.GetRequiredService<JobProcessor>().FailAsync(tenant, jobId,
            $"The import stopped its worker {crashes} times and was given up; submit it again, " +
            "or ask the operator to look at the worker's logs.",
            stoppingToken);
        await AckAsync(db, entry.Id);
        return true;
    }

    // Best effort: if Redis is what failed, the record fails too and the redelivery counts as a crash, well inside the
    // cap.
    private async Task HandBackAsync(string tenant, string jobId)
    {
        try
        {
            using var scope = services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<JobStore>().RecordInterruptionAsync(tenant, jobId);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            logger.LogWarning("Could not record the hand-back of job {JobId}: {Error}", jobId, e.Message);
        }
    }

    private async Task RenewAsync(IDatabase db, RedisValue entryId, CancellationToken cancellationToken)
    {
        var interval = _options.ClaimMinIdle / 3;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await Delay(interval, cancellationToken)) return;
            try
            {
                await db.StreamClaimIdsOnlyAsync(JobKeys.Stream, JobKeys.ConsumerGroup, _consumer, 0, [entryId]);
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                logger.LogWarning("Renewing job entry {EntryId} failed: {Error}", entryId, e.Message);
            }
        }
    }

    private static async Task AckAsync(IDatabase db, RedisValue entryId)
    {
        await db.StreamAcknowledgeAsync(JobKeys.Stream, JobKeys.ConsumerGroup, entryId);
        await db.StreamDeleteAsync(JobKeys.Stream, [entryId]);
    }

    private async Task EnsureGroupAsync(IDatabase db, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                // Position 0: jobs queued before any worker existed are read too.
                await db.StreamCreateConsumerGroupAsync(JobKeys.Stream, JobKeys.ConsumerGroup, "0", createStream: true);
                return;
            }
            catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
            {
                return;
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                logger.LogWarning("Creating the job stream's consumer group failed: {Error}", e.Message);
                if (!await Delay(TimeSpan.FromSeconds(2), cancellationToken)) return;
            }
        }
    }

    // RedisTimeoutException derives from TimeoutException, not RedisException: a failover produces both.
    private static bool IsRedisFailure(Exception e) => e is RedisException or TimeoutException;

    private static async Task<bool> Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
