using System.ComponentModel.DataAnnotations;

namespace FacePing.Core.Storage;

/// <summary>Tuning of the vector index (configuration section <c>FacePing:Store</c>).</summary>
public sealed class VectorStoreOptions
{
    public const string Section = "FacePing:Store";

    /// <summary>
    /// How the HNSW index stores its copy of each vector: <c>Q8</c> (default), <c>NOQUANT</c> or <c>BIN</c>.
    /// Q8 because the index only chooses candidates: exact scores come from the float32 copy in the vector hash, and
    /// asking for several times topK candidates hides int8's tiny ranking noise, while Q8 takes a quarter of
    /// NOQUANT's memory and is faster to scan. BIN loses too much for 512-d face embeddings. Measured
    /// (SearchAccuracyTests, 3,000 random 512-d, EF 500): recall@10 0.9983 with Q8 and 0.9983 with NOQUANT — the rerank
    /// absorbs the quantization.
    /// </summary>
    [RegularExpression("^(Q8|NOQUANT|BIN)$")]
    public string Quantization { get; set; } = "Q8";

    /// <summary>
    /// HNSW links per node (VADD's M) for new groups. 32 rather than Redis's 16: on 20,000 random unit 512-d vectors
    /// (Q8, 20 queries, 50 candidates, one run) recall@10 was 0.48 / 0.78 at EF 200 / 500 with M 16 and 0.78 / 0.95
    /// with M 32, for ~40 % slower inserts (335 → 198 vectors/s) and more memory per vector. Existing groups keep the M
    /// they were created with.
    /// </summary>
    [Range(4, 128)]
    public int HnswLinks { get; set; } = 32;

    /// <summary>Candidates asked from VSIM per requested result (before the exact rerank).</summary>
    [Range(1, 100)]
    public int CandidateFactor { get; set; } = 4;

    /// <summary>Least number of candidates asked from VSIM.</summary>
    [Range(1, 10000)]
    public int MinCandidates { get; set; } = 50;

    /// <summary>
    /// HNSW search exploration factor (EF) for VSIM; higher is slower and more exact. Measured on 3,000 random unit
    /// 512-d vectors (SearchAccuracyTests), recall@10 of random-direction queries: EF 200 → 0.95, 300 → 0.98,
    /// 500 → 0.997; more candidates at the same EF changed nothing, so EF is the knob and 500 the default.
    /// </summary>
    [Range(1, 100000)]
    public int SearchEf { get; set; } = 500;

    /// <summary>
    /// A metadata-filtered search whose filter matches at most this many vectors is answered by an exact scan of those
    /// vectors (perfect recall); larger matches go through VSIM's FILTER.
    /// </summary>
    [Range(0, 100000)]
    public int ExactFilterScanLimit { get; set; } = 2000;

    /// <summary>
    /// Memory (MB) each Api process may spend on in-memory int8 copies of the groups it searches, which are scanned in
    /// full instead of walking the HNSW graph (about 900 B a 512-d vector as measured: a 100k group took 86 MB). The
    /// least recently searched copies are dropped first; a group larger than the budget is searched through the HNSW
    /// index. 0 turns the copies off.
    /// </summary>
    [Range(0, 1_048_576)]
    public int ScanCacheMegabytes { get; set; } = 1024;

    /// <summary>
    /// Changes kept in each group's change log (at least; Redis trims in whole blocks). A copy that falls further
    /// behind than this is reloaded in the background rather than caught up.
    /// </summary>
    [Range(100, 10_000_000)]
    public int ChangeLogLength { get; set; } = 10_000;

    /// <summary>
    /// When a write is answered (docs/operations.md): <c>none</c> as soon as the primary applied it; <c>local</c> once
    /// it is in the primary's fsynced append-only file (<c>WAITAOF 1 0</c>); <c>replica</c> once a replica has it
    /// (<c>WAIT 1</c>); <c>auto</c> (default) <c>local</c> when the server fsyncs every write (appendonly yes,
    /// appendfsync always, as deploy/redis/redis.conf), <c>none</c> otherwise. What the server promises is learned at
    /// start-up (<see cref="DurabilityVerdict"/>): an explicit mode it cannot honour stops the service with one log
    /// line naming the fix, instead of answering every write 503.
    /// </summary>
    [RegularExpression("^(auto|none|local|replica)$")]
    public string Durability { get; set; } = DurabilityModes.Auto;

    /// <summary>
    /// How long a write may wait for its durability policy (WAIT/WAITAOF timeout); past it the write, which was
    /// applied, is answered 202 <c>write-not-durable</c>. Keep it below the Redis client's async timeout (5 s by
    /// default).
    /// </summary>
    [Range(10, 60_000)]
    public int DurabilityTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Whether this process runs a <see cref="VectorIndexer"/>, which inserts written vectors into the HNSW graphs
    /// behind the writes (every Api and worker runs one by default; a lease per group keeps them apart). Searches are
    /// exact without it, but scan the group's pending ids on every query that does not use a scan copy.
    /// </summary>
    public bool IndexerEnabled { get; set; } = true;

    /// <summary>
    /// Vectors one indexing step inserts: each takes Redis's main thread for 2–5 ms, so a step of 16 holds writes and
    /// searches up for at most ~80 ms.
    /// </summary>
    [Range(1, 10_000)]
    public int IndexBatchSize { get; set; } = 16;

    /// <summary>Pause between indexing steps, so queued writes and searches run in between.</summary>
    [Range(0, 10_000)]
    public int IndexerPauseMilliseconds { get; set; } = 2;

    /// <summary>How often an idle indexer looks for groups with pending vectors.</summary>
    [Range(10, 60_000)]
    public int IndexerIdleMilliseconds { get; set; } = 500;

    /// <summary>
    /// How long a group's indexing lease lasts without renewal: after an indexer dies, another takes the group over at
    /// most this much later.
    /// </summary>
    [Range(100, 600_000)]
    public int IndexerLeaseMilliseconds { get; set; } = 10_000;
}

/// <summary>The values of <see cref="VectorStoreOptions.Durability"/>.</summary>
public static class DurabilityModes
{
    public const string Auto = "auto";
    public const string None = "none";
    public const string Local = "local";
    public const string Replica = "replica";
}
