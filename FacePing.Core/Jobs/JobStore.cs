using System.Globalization;
using System.Text.Json;
using FacePing.Core.Faces;
using FacePing.Core.Secrets;
using FacePing.Core.Storage;
using StackExchange.Redis;

namespace FacePing.Core.Jobs;

/// <summary>
/// Jobs in Redis: a hash per job (definition, status, counts), a hash of failures, a set of finished file ids, the
/// credentials sealed (<see cref="SecretSealer"/>) in their own key (deleted when the job ends, and given a TTL so
/// they can never linger), a per-tenant index and set of unfinished jobs (for the per-tenant cap), and the work queue
/// as a stream with a consumer group. Counting is idempotent: a file finished twice
/// (a worker died after storing it) is counted once.
/// </summary>
public sealed class JobStore(IConnectionMultiplexer redis, TimeProvider time, SecretSealer sealer,
    RedisDurability? durability = null)
{
    private const string SecretUse = "job-secret";

    // Every write the Api answers is acknowledged under the durability policy (FacePing:Store:Durability).
    private readonly RedisDurability _writes = durability ?? RedisDurability.None(redis);

    // KEYS: job, secret, index, unfinished. ARGV: definition JSON, status, secret, secret lifetime ms, created ms,
    // job id, cap on unfinished jobs, the tenant's job key prefix. Entries of jobs that finished or expired are
    // dropped before counting; the job hashes read share the tenant's hash tag (one Cluster slot) with KEYS.
    private const string CreateScript = """
        local live = 0
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[4])) do
          local status = redis.call('HGET', ARGV[8] .. id, 'status')
          if status == 'queued' or status == 'running' then live = live + 1 else redis.call('SREM', KEYS[4], id) end
        end
        if live >= tonumber(ARGV[7]) then return 0 end
        redis.call('HSET', KEYS[1], 'definition', ARGV[1], 'status', ARGV[2], 'totalFiles', 0, 'processed', 0,
            'successCount', 0)
        redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
        redis.call('ZADD', KEYS[3], ARGV[5], ARGV[6])
        redis.call('SADD', KEYS[4], ARGV[6])
        return 1
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Credentials are kept at most this long even if every worker is down.</summary>
    public static readonly TimeSpan SecretLifetime = TimeSpan.FromDays(3);

    /// <summary>How long a finished job stays visible in <c>GET /jobs</c>.</summary>
    public static readonly TimeSpan FinishedJobRetention = TimeSpan.FromDays(30);

    // KEYS: job, done, failed. ARGV: fileId, failureJson ('' = success), faces stored, faces rejected.
    private const string RecordFileScript = """
        if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
        redis.call('HINCRBY', KEYS[1], 'processed', 1)
        redis.call('HINCRBY', KEYS[1], 'facesStored', ARGV[3])
        redis.call('HINCRBY', KEYS[1], 'facesRejected', ARGV[4])
        if ARGV[2] == '' then
          redis.call('HINCRBY', KEYS[1], 'successCount', 1)
        else
          redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
        end
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    /// <exception cref="TooManyJobsException">
    /// The tenant already has <paramref name="maxUnfinished"/> jobs queued or running; nothing was written.
    /// </exception>
    public async Task<JobView> CreateAsync(JobDefinition definition, JobSecret secret,
        int maxUnfinished = int.MaxValue)
    {
        var createdAt = definition.CreatedAt.ToUnixTimeMilliseconds();
        // One script for the tenant's keys (atomic, with the cap); the stream is outside the tenant's slot, so it
        // cannot join it: a job whose XADD was lost stays "queued" and visible, never half-written. Both are
        // acknowledged under the durability policy before the Api answers 202 (in a cluster, each on its node).
        var job = JobKeys.Job(definition.Tenant, definition.JobId);
        RedisResult? created = null;
        DurabilityException? unconfirmed = null;
        try
        {
            created = await _writes.WriteAsync(job, db => RedisDurability.Eval(db, CreateScript,
                [job, JobKeys.Secret(definition.Tenant, definition.JobId), JobKeys.Index(definition.Tenant),
                 JobKeys.Unfinished(definition.Tenant)],
                [JsonSerializer.Serialize(definition, Json), JobStatus.Queued,
                 sealer.Seal(definition.Tenant, SecretUse, JsonSerializer.Serialize(secret, Json)),
                 (long)SecretLifetime.TotalMilliseconds, createdAt, definition.JobId, maxUnfinished,
                 JobKeys.Job(definition.Tenant, "")]));
        }
        catch (DurabilityException e) when (e.Applied)
        {
            // Applied, not confirmed: the job is queued all the same (a stream entry without its job, had the cap
            // refused it, is dropped by the worker), then the caller learns what was not confirmed.
            unconfirmed = e;
        }
        // Queued only once stored, so a refused job leaves nothing behind, not even a stream entry.
        if (created is not null && (long)created == 0) throw new TooManyJobsException(maxUnfinished);
        await _writes.WriteAsync(JobKeys.Stream, db => db.StreamAddAsync(JobKeys.Stream,
            [new("tenant", definition.Tenant), new("jobId", definition.JobId)]));
        if (unconfirmed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unconfirmed);
        // The job as it was stored, not read back: a worker may already have started it, and the 202 describes what
        // was accepted ("queued"); GET /jobs/{id} tells the rest.
        return new JobView(definition.JobId, definition.GroupName, definition.Source, JobStatus.Queued, 0, 0, 0, [],
            null, definition.CreatedAt, null);
    }

    public async Task<JobDefinition?> GetDefinitionAsync(string tenant, string jobId)
    {
        var json = await Db.HashGetAsync(JobKeys.Job(tenant, jobId), "definition");
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<JobDefinition>(json.ToString(), Json);
    }

    public async Task<JobView?> GetAsync(string tenant, string jobId)
    {
        var batch = Db.CreateBatch();
        var fields = batch.HashGetAllAsync(JobKeys.Job(tenant, jobId));
        var failures = batch.HashValuesAsync(JobKeys.Failed(tenant, jobId));
        batch.Execute();
        var hash = (await fields).ToDictionary(e => e.Name.ToString(), e => e.Value);
        if (!hash.TryGetValue("definition", out var json)) return null;
        var definition = JsonSerializer.Deserialize<JobDefinition>(json.ToString(), Json)!;
        var failed = (await failures)
            .Select(v => JsonSerializer.Deserialize<JobFailure>(v.ToString(), Json)!)
            .OrderBy(f => f.FileName, StringComparer.Ordinal).ThenBy(f => f.FileId, StringComparer.Ordinal)
            .ToList();
        return new JobView(
            definition.JobId,
            definition.GroupName,
            definition.Source,
            hash["status"].ToString(),
            Int(hash, "totalFiles"),
            Int(hash, "processed"),
            Int(hash, "successCount"),
            failed,
            hash.TryGetValue("error", out var error) ? error.ToString() : null,
            definition.CreatedAt,
            hash.TryGetValue("completedAt", out var completed)
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)completed)
                : null,
            // A cluster job's count is shown once the job is completed (it is written just before).
            hash["status"] == JobStatus.Completed && hash.TryGetValue("clusterCount", out var clusters)
                ? (int)clusters
                : null,
            // Folder imports count faces; a cluster job has none.
            definition.Source == JobSource.Cluster ? null : Int(hash, "facesStored"),
            definition.Source == JobSource.Cluster ? null : Int(hash, "facesRejected"),
            definition.Source == JobSource.Cluster ? null : FaceChoices.Name(definition.Faces));
    }

    /// <summary>The tenant's jobs, newest first.</summary>
    public async Task<IReadOnlyList<JobView>> ListAsync(string tenant, int limit)
    {
        // Jobs past their retention have expired; their index entries are dropped here.
        var cutoff = time.GetUtcNow().Add(-FinishedJobRetention).ToUnixTimeMilliseconds();
        await Db.SortedSetRemoveRangeByScoreAsync(JobKeys.Index(tenant), double.NegativeInfinity, cutoff);
        var ids = await Db.SortedSetRangeByRankAsync(JobKeys.Index(tenant), 0, limit - 1, Order.Descending);
        var views = await Task.WhenAll(ids.Select(id => GetAsync(tenant, id.ToString())));
        return views.OfType<JobView>().ToList();
    }

    public async Task<JobSecret?> GetSecretAsync(string tenant, string jobId)
    {
        var stored = await Db.StringGetAsync(JobKeys.Secret(tenant, jobId));
        if (stored.IsNullOrEmpty) return null;
        // A job queued by a version before sealing holds clear JSON; it is read as it is (it lives at most
        // SecretLifetime and is deleted when its job ends), so it is not worth sealing now.
        var json = sealer.Unseal(tenant, SecretUse, stored.ToString(), out _);
        return JsonSerializer.Deserialize<JobSecret>(json, Json);
    }

    public Task DeleteSecretAsync(string tenant, string jobId) => Db.KeyDeleteAsync(JobKeys.Secret(tenant, jobId));

    public Task MarkRunningAsync(string tenant, string jobId, int totalFiles) =>
        Db.HashSetAsync(JobKeys.Job(tenant, jobId), [new("status", JobStatus.Running), new("totalFiles", totalFiles)]);

    public async Task<HashSet<string>> GetDoneFilesAsync(string tenant, string jobId) =>
        (await Db.SetMembersAsync(JobKeys.Done(tenant, jobId)))
            .Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal);

    /// <summary>Counts a finished file once; <paramref name="failure"/> null means its face was stored.</summary>
    public async Task<bool> RecordFileAsync(string tenant, string jobId, string fileId, JobFailure? failure,
        int facesStored = 0, int facesRejected = 0)
    {
        var result = await Db.ScriptEvaluateAsync(RecordFileScript,
            [JobKeys.Job(tenant, jobId), JobKeys.Done(tenant, jobId), JobKeys.Failed(tenant, jobId)],
            [fileId, failure is null ? "" : JsonSerializer.Serialize(failure, Json), facesStored, facesRejected]);
        return (long)result == 1;
    }

    /// <summary>Ends the job (completed or failed) and stamps completedAt; the done-set is no longer needed.</summary>
    public async Task FinishAsync(string tenant, string jobId, string status, string? error)
    {
        var entries = new List<HashEntry>
        {
            new("status", status),
            new("completedAt", time.GetUtcNow().ToUnixTimeMilliseconds()),
        };
        if (error is not null) entries.Add(new("error", error));
        var tx = Db.CreateTransaction();
        _ = tx.HashSetAsync(JobKeys.Job(tenant, jobId), [.. entries]);
        _ = tx.KeyDeleteAsync(JobKeys.Done(tenant, jobId));
        _ = tx.SetRemoveAsync(JobKeys.Unfinished(tenant), jobId);
        _ = tx.KeyExpireAsync(JobKeys.Job(tenant, jobId), FinishedJobRetention);
        _ = tx.KeyExpireAsync(JobKeys.Failed(tenant, jobId), FinishedJobRetention);
        await tx.ExecuteAsync();
    }

    /// <summary>
    /// Counts a deliberate hand-back of the job (shutdown, Inference or Redis unavailable): the stream entry is
    /// delivered again later, and that delivery is not a crash.
    /// </summary>
    public Task RecordInterruptionAsync(string tenant, string jobId) =>
        Db.HashIncrementAsync(JobKeys.Job(tenant, jobId), "interruptions");

    /// <summary>Deliberate hand-backs recorded so far (<see cref="RecordInterruptionAsync"/>).</summary>
    public async Task<long> GetInterruptionsAsync(string tenant, string jobId) =>
        (long?)await Db.HashGetAsync(JobKeys.Job(tenant, jobId), "interruptions") ?? 0;

    /// <summary>
    /// Whether the end-of-job notifications were queued for delivery (a job re-delivered after a crash queues them
    /// only if not).
    /// </summary>
    public Task<bool> IsNotifiedAsync(string tenant, string jobId) =>
        Db.HashExistsAsync(JobKeys.Job(tenant, jobId), "notifiedAt");

    public Task MarkNotifiedAsync(string tenant, string jobId) =>
        Db.HashSetAsync(JobKeys.Job(tenant, jobId), "notifiedAt", time.GetUtcNow().ToUnixTimeMilliseconds());

    // KEYS: job. ARGV: field, value pairs. A job that expired meanwhile is not brought back as a bare hash.
    private const string SetIfExistsScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV))
        return 1
        """;

    /// <summary>
    /// Records how the job's callback ended (<c>delivered</c>, <c>failed</c> after every attempt, or <c>refused</c>:
    /// a 4xx or a target the address guard refused) and after how many attempts.
    /// </summary>
    public Task RecordCallbackAsync(string tenant, string jobId, string outcome, int attempts) =>
        Db.ScriptEvaluateAsync(SetIfExistsScript, [JobKeys.Job(tenant, jobId)],
            ["callback", outcome, "callbackAttempts", attempts]);

    /// <summary>Records whether the job's notification e-mail was accepted by the SMTP server.</summary>
    public Task RecordEmailAsync(string tenant, string jobId, bool sent) =>
        Db.ScriptEvaluateAsync(SetIfExistsScript, [JobKeys.Job(tenant, jobId)], ["email", sent ? "sent" : "failed"]);

    private static int Int(Dictionary<string, RedisValue> hash, string name) =>
        hash.TryGetValue(name, out var value) && value.TryParse(out int n) ? n : 0;

    public static string NewJobId() => Guid.CreateVersion7().ToString("N", CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether a path's job id has <see cref="NewJobId"/>'s shape; others need no Redis lookup to be 404.
    /// </summary>
    public static bool IsJobId(string value) => value.Length == 32 && value.All(char.IsAsciiHexDigitLower);
}
