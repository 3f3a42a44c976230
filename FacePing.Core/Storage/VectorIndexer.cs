using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FacePing.Core.Storage;

/// <summary>
/// Builds the groups' HNSW graphs behind their writes: takes the groups on <see cref="FaceStore.IndexingKey"/> in
/// turn and inserts their pending vectors in small batches (<see cref="FaceStore.IndexPendingAsync"/>), pausing between
/// batches so writes and searches get Redis's main thread back (longer while writes arrive). Runs in every Api and
/// worker; a group's lease (renewed with every batch, expiring when its holder dies) lets one indexer at a time build
/// it. All state is in Redis, so it resumes where it stopped after a restart of itself or of Redis, or a failover.
/// It has Redis rewrite its append-only file after many inserts and when a large build ends, so a restart loads the
/// graph from the file's base instead of replaying each insert (<see cref="VectorStoreOptions.IndexPersistVectors"/>).
/// </summary>
public sealed partial class VectorIndexer(FaceStore store, IOptions<VectorStoreOptions> options, TimeProvider clock,
    ILogger<VectorIndexer> logger, IMeterFactory meters) : BackgroundService
{
    // Groups whose writer crashed before noting them are found by a scan for pending sets this often.
    private static readonly TimeSpan RescanInterval = TimeSpan.FromMinutes(10);

    private readonly string _id = Environment.MachineName + ":" + Guid.NewGuid().ToString("N");
    private readonly VectorStoreOptions _options = options.Value;
    private readonly Counter<long> _indexed = meters.Create(FaceStore.Activity.Name)
        .CreateCounter<long>("faceping.store.indexed", "{vector}", "Vectors inserted into HNSW graphs by this process");
    private readonly Dictionary<(string Tenant, string Group), long> _unpersisted = [];
    private long _pending;
    private long _unpersistedTotal;

    /// <summary>Vectors this indexer saw pending in the group it worked on last (the dashboard's gauge).</summary>
    public long LastPending => Interlocked.Read(ref _pending);

    /// <summary>
    /// Graph inserts by this indexer that no rewrite it asked for covers yet: a restart of Redis would replay them at
    /// graph speed, unless Redis's own rule rewrote the file meanwhile.
    /// </summary>
    public long Unpersisted => Interlocked.Read(ref _unpersistedTotal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.IndexerEnabled) return;
        meters.Create(FaceStore.Activity.Name).CreateObservableGauge("faceping.store.pending", () => LastPending,
            "{vector}", "Vectors stored but not yet in the HNSW graph (group last indexed by this process)");
        meters.Create(FaceStore.Activity.Name).CreateObservableGauge("faceping.store.unpersisted", () => Unpersisted,
            "{vector}", "Graph inserts by this process since it last had Redis rewrite its append-only file");
        var idle = TimeSpan.FromMilliseconds(_options.IndexerIdleMilliseconds);
        var rescanAt = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() >= rescanAt)
                {
                    await store.PendingGroupsAsync(stoppingToken);
                    rescanAt = clock.GetUtcNow() + RescanInterval;
                }
                var groups = await store.IndexingListAsync(stoppingToken);
                foreach (var (tenant, group) in groups) await DrainAsync(tenant, group, stoppingToken);
                await PersistAsync(_options.IndexPersistVectors / 10, stoppingToken);
                if (groups.Count == 0) await Task.Delay(idle, clock, stoppingToken);
                else await Task.Delay(TimeSpan.FromMilliseconds(_options.IndexerPauseMilliseconds), clock,
                    stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Redis down or failing over: the pending sets wait in Redis; try again after a pause.
                LogIndexingFailed(e.Message);
                await Task.Delay(idle * 4, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    // Graph inserts are replayed from the append-only file's tail at a restart, at graph speed, until a rewrite puts
    // the graph in the file's base: counted per group here, a rewrite asked for once a group's count reaches
    // IndexPersistVectors while it is being indexed, or a tenth of that once it has drained (retried while a rewrite
    // that may predate them runs).
    private async Task NoteInsertsAsync(string tenant, string group, int inserts, CancellationToken cancellationToken)
    {
        if (_options.IndexPersistVectors <= 0) return;
        lock (_unpersisted)
        {
            _unpersisted[(tenant, group)] = _unpersisted.GetValueOrDefault((tenant, group)) + inserts;
            Interlocked.Add(ref _unpersistedTotal, inserts);
        }
        await PersistAsync(_options.IndexPersistVectors, cancellationToken);
    }

    private async Task PersistAsync(int atLeast, CancellationToken cancellationToken)
    {
        if (_options.IndexPersistVectors <= 0) return;
        KeyValuePair<(string Tenant, string Group), long>[] due;
        lock (_unpersisted) due = [.. _unpersisted.Where(e => e.Value >= Math.Max(atLeast, 1))];
        foreach (var ((tenant, group), count) in due)
        {
            if (!await store.PersistGraphAsync(tenant, group, cancellationToken)) continue;
            LogGraphPersisted(count, group);
            lock (_unpersisted)
            {
                var now = _unpersisted.GetValueOrDefault((tenant, group));
                if (now <= count) _unpersisted.Remove((tenant, group));
                else _unpersisted[(tenant, group)] = now - count;
                Interlocked.Add(ref _unpersistedTotal, -count);
            }
        }
    }

    private async Task DrainAsync(string tenant, string group, CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromMilliseconds(_options.IndexerLeaseMilliseconds);
        var pause = TimeSpan.FromMilliseconds(_options.IndexerPauseMilliseconds);
        var before = long.MaxValue;
        var batch = Math.Min(8, _options.IndexBatchSize);
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = clock.GetTimestamp();
            var step = await store.IndexPendingAsync(tenant, group, _id, batch, lease, cancellationToken);
            // What a step costs the servers is how long its graph script held one (the reads and the decoding before
            // it hold none): sized so that takes about IndexStepMilliseconds, as an insert's cost grows with the graph
            // and the machine's load. A split graph's parts run side by side, so its step carries parts × as many.
            var took = step.Graph > TimeSpan.Zero ? step.Graph : clock.GetElapsedTime(started);
            if (step.Indexed > 0)
            {
                var perVector = took.TotalMilliseconds / step.Indexed;
                batch = (int)Math.Clamp(_options.IndexStepMilliseconds / Math.Max(perVector, 0.01), 1,
                    _options.IndexBatchSize);
            }
            Interlocked.Exchange(ref _pending, step.Pending);
            if (step.Indexed > 0) _indexed.Add(step.Indexed);
            switch (step.Outcome)
            {
                case IndexOutcome.Gone:
                    await store.RetireIfDrainedAsync(tenant, group, cancellationToken);
                    return;
                case IndexOutcome.Leased:
                    return;
            }
            if (step.Indexed > 0) await NoteInsertsAsync(tenant, group, step.Indexed, cancellationToken);
            if (step.Pending == 0)
            {
                await store.RetireIfDrainedAsync(tenant, group, cancellationToken);
                return;
            }
            // Redis runs one command at a time: the pause lets queued writes and searches in between batches. While
            // writes are arriving (more pending than the last step left) it yields them 3/4 of the main thread.
            var writing = step.Pending > before - step.Indexed;
            before = step.Pending;
            var wait = writing && took * 3 > pause ? took * 3 : pause;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Asked Redis to rewrite its append-only file after {Inserts} graph inserts into {Group}")]
    private partial void LogGraphPersisted(long inserts, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing pending vectors failed, retrying: {Error}")]
    private partial void LogIndexingFailed(string error);
}
