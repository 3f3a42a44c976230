using System.ComponentModel.DataAnnotations;

namespace FacePing.Core.Storage;

/// <summary>Tuning of the vector index (configuration section <c>FacePing:Store</c>).</summary>
public sealed class VectorStoreOptions
{
    public const string Section = "FacePing:Store";

    /// <summary>
    /// How the HNSW index stores its copy of each vector for new groups: <c>BIN</c> (default), <c>Q8</c> or
    /// <c>NOQUANT</c>. The index only proposes candidates: exact scores come from the copy in the vector hash, and the
    /// scan copy answers unfiltered searches once loaded. BIN (one bit a dimension) because the graph's memory and
    /// insert time are what a million faces pay: 640-d, M 16, measured on 20,000 random unit vectors with Redis 8,
    /// 971 bytes and 2,634 inserts/s a vector with BIN against 1,531 bytes and 663/s with Q8 (docs/performance.md
    /// has recall and the 1M figures). Existing groups keep their vector set's quantization.
    /// </summary>
    [RegularExpression("^(Q8|NOQUANT|BIN)$")]
    public string Quantization { get; set; } = "BIN";

    /// <summary>
    /// How the vector hash keeps each new vector: <c>half</c> (its length as a double and its direction in half
    /// floats, <see cref="Vectors.HalfVectors"/>; 1,288 bytes for 640-d instead of 2,560), <c>float32</c> (exactly as
    /// given) or <c>auto</c> (default): half for the face vectors the service computes from photos, float32 for
    /// vectors callers send, which they read back exactly as sent. A half copy moves a cosine by about 1e-5 (no
    /// decision changed on LFW). Vectors already stored keep their form until written again.
    /// </summary>
    [RegularExpression("^(auto|half|float32)$")]
    public string VectorPrecision { get; set; } = VectorPrecisions.Auto;

    /// <summary>
    /// HNSW links per node (VADD's M) for new groups. 16, Redis's default: with BIN, 640-d, M 32 took 1,270 bytes a
    /// vector and 1,032 inserts/s against M 16's 971 bytes and 2,634/s (20,000 random unit vectors). Uniformly random
    /// vectors need M 32 for HNSW recall (0.78 → 0.95 at EF 500 on 20,000 random 512-d, Q8); face vectors cluster by
    /// person and the scan copy answers unfiltered searches exactly, so the graph is tuned for its size and build
    /// speed. Existing groups keep the M they were created with.
    /// </summary>
    [Range(4, 128)]
    public int HnswLinks { get; set; } = 16;

    /// <summary>
    /// Exploration factor of each graph insert (VADD's EF). 50 rather than Redis's 200: inserting 100,000 random 640-d
    /// vectors (BIN, M 16) ran at 333/s over the last 20,000 with 200 and 1,117/s with 50, and the build rate bounds
    /// both how soon the graph catches up and how long Redis takes to replay its append-only file after a crash.
    /// The graph only proposes candidates, which are reranked exactly; docs/performance.md has its recall.
    /// </summary>
    [Range(10, 2000)]
    public int HnswBuildEf { get; set; } = 50;

    /// <summary>
    /// Candidates asked from VSIM per requested result (before the exact rerank). 16 for the BIN graph, whose
    /// Hamming order is coarse: on 3,000 random 512-d vectors a filtered search's recall@10 was 0.77 with 4 and 0.93
    /// with 16 (FaceStoreTests). Each candidate is one read of its vector hash in the rerank.
    /// </summary>
    [Range(1, 100)]
    public int CandidateFactor { get; set; } = 16;

    /// <summary>Least number of candidates asked from VSIM.</summary>
    [Range(1, 10000)]
    public int MinCandidates { get; set; } = 200;

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
    public int ScanCacheMegabytes { get; set; } = 2048;

    /// <summary>
    /// An unfiltered search of a group with more vectors than this, on an Api that has no copy of it yet (just
    /// started, or the copy was dropped), waits for the copy to load (about 6 s at 100k, 60 s at 1M × 640-d) rather
    /// than answer from the HNSW graph alone, whose one-bit codes found 0.89 of a person's own photos at 100k and
    /// 0.20 at 1M (docs/performance.md). Groups over the copy budget are still answered by the graph.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int ScanCopyFirstVectors { get; set; } = 10_000;

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
    /// Most vectors one indexing step inserts. A step holds Redis's main thread (a graph insert takes 0.3–3 ms,
    /// growing with the graph), so the indexer sizes its steps to <see cref="IndexStepMilliseconds"/> up to this.
    /// </summary>
    [Range(1, 10_000)]
    public int IndexBatchSize { get; set; } = 256;

    /// <summary>
    /// How long one indexing step's graph script should hold a Redis server: the longest a write or search waits
    /// behind the indexer. The indexer sizes each step from the script time per vector of the one before (for a graph
    /// in parts, of its slowest part: the parts' scripts run side by side, each on its own server).
    /// </summary>
    [Range(1, 10_000)]
    public int IndexStepMilliseconds { get; set; } = 20;

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

    /// <summary>
    /// Graph inserts after which the indexer has Redis rewrite its append-only file (<c>BGREWRITEAOF</c>, when AOF is
    /// on and no rewrite is running), and a tenth of that once a group's pending set has drained. A restart replays
    /// the file's tail, and a replayed <c>VADD</c> costs a graph insert (~2 ms at a million vectors, where Redis's own
    /// rule, 5 % of the base, lets ~25,000 of them pile up), so after an import the graph goes into the file's base at
    /// once instead of staying in its tail. 0: never (a managed Redis that refuses the command is skipped the same
    /// way).
    /// </summary>
    [Range(0, 100_000_000)]
    public int IndexPersistVectors { get; set; } = 100_000;

    /// <summary>
    /// Vector sets each new group's HNSW graph is split into (fixed when the group is created). 1 (default): one
    /// vector set beside the group's other keys. More: the graph is split by a hash of the vector id over that many
    /// vector sets with hash tags of their own, so on a Redis Cluster they spread over the slots and primaries, and the
    /// graph build (Redis's main thread, the bulk of a large import's cost), the graph's memory and the replay of
    /// graph inserts after a restart are shared by them; searches that ask the graph ask every part and merge. The
    /// vectors, ids and pending set stay in the tenant's slot (docs/search.md, "Scale-out"). On one Redis server
    /// splitting gains nothing.
    /// </summary>
    [Range(1, 256)]
    public int GraphShards { get; set; } = 1;
}

/// <summary>The values of <see cref="VectorStoreOptions.VectorPrecision"/>.</summary>
public static class VectorPrecisions
{
    public const string Auto = "auto";
    public const string Half = "half";
    public const string Float32 = "float32";
}

/// <summary>The values of <see cref="VectorStoreOptions.Durability"/>.</summary>
public static class DurabilityModes
{
    public const string Auto = "auto";
    public const string None = "none";
    public const string Local = "local";
    public const string Replica = "replica";
}
