using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FacePing.Core.Vectors;

namespace FacePing.Core.Storage.Scan;

/// <summary>
/// One group's vectors as 4-bit and 8-bit codes in contiguous arrays, scanned in full for every query, where an HNSW
/// walk over uniformly spread vectors must visit a large part of the graph to reach the same recall. The 4-bit pass
/// reads every vector (100k × 512-d: 26 MB, memory-bound) and keeps a few hundred; the int8 pass re-scores those and
/// keeps the requested candidates, which the store reranks exactly from Redis. Holds ids, codes and each vector's
/// filter tokens (<see cref="FilterTokens.Hash"/> of its metadata pairs), so a filtered search scans only the vectors
/// whose metadata matches, however many do. Reads run in parallel under a read lock; applying changes takes the write
/// lock briefly.
/// </summary>
internal sealed class GroupScan(string generation, long revision)
{
    // Below this many vectors one thread scans faster than handing out work.
    private const int ParallelThreshold = 32_768;

    // Vectors the 4-bit pass hands to the int8 pass: at least this many, and 4 × the candidates asked for. Its score
    // error (σ ≈ 0.007 on 512-d unit vectors) is far below the score gap between the 10th and the 200th best of 100k.
    private const int MinFirstPass = 200;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private byte[] _nibbles = [];
    private float[] _nibbleScales = [];
    private sbyte[] _codes = [];
    private float[] _scales = [];
    private int _nibbleBytes;
    private string[] _ids = [];
    private ulong[][] _tokens = [];
    private long _revision = revision;

    /// <summary>Changes (group hash field <c>gen</c>) when the group is deleted and created again.</summary>
    public string Generation { get; } = generation;

    /// <summary>The group's change counter (field <c>rev</c>) this copy reflects.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    public int Dimensions { get; private set; }

    public int Count { get; private set; }

    /// <summary>Serialises catch-up with the change log, so concurrent searches do it once.</summary>
    public SemaphoreSlim SyncGate { get; } = new(1, 1);

    public long LastUsedTicks { get; set; }

    /// <summary>Approximate managed memory held (arrays, ids, lookup).</summary>
    public long Bytes =>
        _nibbles.LongLength + _codes.LongLength + _scales.LongLength * 8 + _ids.LongLength * 16 + Count * 160L;

    /// <summary>
    /// Estimate of <see cref="Bytes"/> for a group of the given size (the budget check before a load).
    /// </summary>
    public static long EstimateBytes(long count, int dimensions) =>
        count * (Int4Codes.Bytes(dimensions) + dimensions + 8 + 16 + 160L);

    /// <summary>
    /// Makes room for <paramref name="count"/> vectors up front (a full load knows the group's size).
    /// </summary>
    public void Reserve(int count, int dimensions)
    {
        _lock.EnterWriteLock();
        try
        {
            if (Dimensions == 0 && dimensions > 0) SetDimensions(dimensions);
            if (count > _ids.Length && Dimensions > 0) Resize(count);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Sets or removes each id (a null vector removes it) with no filter tokens, and records the revision they bring
    /// the copy to.
    /// </summary>
    public void Apply(IReadOnlyList<(string Id, float[]? Vector)> changes, long revision) =>
        Apply([.. changes.Select(c => (c.Id, c.Vector, Array.Empty<ulong>()))], revision);

    /// <summary>
    /// Sets or removes each id (a null vector removes it) with its filter tokens, and records the revision they bring
    /// the copy to.
    /// </summary>
    public void Apply(IReadOnlyList<(string Id, float[]? Vector, ulong[] Tokens)> changes, long revision)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var (id, vector, tokens) in changes)
            {
                if (vector is null || (Dimensions != 0 && vector.Length != Dimensions)) Remove(id);
                else Set(id, vector, tokens);
            }
            if (revision > _revision) Interlocked.Exchange(ref _revision, revision);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Ids of the <paramref name="count"/> best approximate matches, best first; with <paramref name="required"/>, only
    /// among the vectors holding every one of those tokens.
    /// </summary>
    public string[] Search(ReadOnlySpan<float> query, int count, ulong[]? required = null)
    {
        _lock.EnterReadLock();
        try
        {
            if (Count == 0 || query.Length != Dimensions) return [];
            var low = ArrayPool<sbyte>.Shared.Rent(_nibbleBytes);
            var high = ArrayPool<sbyte>.Shared.Rent(_nibbleBytes);
            var codes = ArrayPool<short>.Shared.Rent(Dimensions);
            try
            {
                Int4Codes.EncodeQuery(query, low.AsSpan(0, _nibbleBytes), high.AsSpan(0, _nibbleBytes), out var sum);
                var first = Math.Max(count * 4, MinFirstPass);
                var coarse = Count < ParallelThreshold
                    ? ScanRange(low, high, sum, 0, Count, first, required)
                    : ScanParallel(low, high, sum, first, required);

                Int8Codes.EncodeQuery(query, codes.AsSpan(0, Dimensions));
                var q = codes.AsSpan(0, Dimensions);
                var fine = new TopCandidates(count);
                foreach (var slot in coarse.Slots())
                    fine.Offer(Int8Codes.Dot(q, _codes.AsSpan(slot * Dimensions, Dimensions)) * _scales[slot], slot);

                var slots = fine.SlotsBestFirst();
                var ids = new string[slots.Length];
                for (var i = 0; i < slots.Length; i++) ids[i] = _ids[slots[i]];
                return ids;
            }
            finally
            {
                ArrayPool<short>.Shared.Return(codes);
                ArrayPool<sbyte>.Shared.Return(high);
                ArrayPool<sbyte>.Shared.Return(low);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The ids held (tests compare them with Redis).</summary>
    public string[] Ids()
    {
        _lock.EnterReadLock();
        try { return _ids.AsSpan(0, Count).ToArray(); }
        finally { _lock.ExitReadLock(); }
    }

    private TopCandidates ScanParallel(sbyte[] low, sbyte[] high, int sum, int count, ulong[]? required)
    {
        var parts = Math.Min(Environment.ProcessorCount, Count / (ParallelThreshold / 2));
        var results = new TopCandidates[parts];
        var size = (Count + parts - 1) / parts;
        Parallel.For(0, parts,
            p => results[p] = ScanRange(low, high, sum, p * size, Math.Min(Count, (p + 1) * size), count, required));
        var merged = results[0];
        for (var p = 1; p < parts; p++) merged.AddFrom(results[p]);
        return merged;
    }

    private TopCandidates ScanRange(sbyte[] low, sbyte[] high, int sum, int from, int to, int count,
        ulong[]? required)
    {
        var top = new TopCandidates(count);
        var width = _nibbleBytes;
        var l = low.AsSpan(0, width);
        var h = high.AsSpan(0, width);
        var offset = 8 * sum;
        // No per-row slicing: the rows are contiguous and the bounds were fixed when the arrays were sized.
        ref var row = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_nibbles), (nint)from * width);
        var scales = _nibbleScales.AsSpan(from, to - from);
        var threshold = float.NegativeInfinity;
        for (var i = 0; i < scales.Length; i++)
        {
            if (required is not null && !HoldsAll(_tokens[from + i], required))
            {
                row = ref Unsafe.Add(ref row, width);
                continue;
            }
            var score = (Int4Codes.Dot(l, h, MemoryMarshal.CreateReadOnlySpan(ref row, width)) - offset) * scales[i];
            row = ref Unsafe.Add(ref row, width);
            if (score <= threshold) continue;
            top.Offer(score, from + i);
            threshold = top.Threshold;
        }
        return top;
    }

    // A vector holds a handful of tokens and a filter names one or two: a linear look is the fastest.
    private static bool HoldsAll(ulong[] held, ulong[] required)
    {
        foreach (var token in required)
        {
            if (Array.IndexOf(held, token) < 0) return false;
        }
        return true;
    }

    private void SetDimensions(int dimensions)
    {
        Dimensions = dimensions;
        _nibbleBytes = Int4Codes.Bytes(dimensions);
    }

    private void Set(string id, float[] vector, ulong[] tokens)
    {
        if (Dimensions == 0) SetDimensions(vector.Length);
        if (!_slots.TryGetValue(id, out var slot))
        {
            if (Count == _ids.Length) Grow();
            slot = Count++;
            _slots[id] = slot;
            _ids[slot] = id;
        }
        _tokens[slot] = tokens;
        _scales[slot] = Int8Codes.Encode(vector, _codes.AsSpan(slot * Dimensions, Dimensions));
        _nibbleScales[slot] = Int4Codes.Encode(vector, _nibbles.AsSpan(slot * _nibbleBytes, _nibbleBytes));
    }

    private void Remove(string id)
    {
        if (!_slots.Remove(id, out var slot)) return;
        var last = --Count;
        if (slot != last)
        {
            // Keep the array dense: the last vector moves into the hole.
            _codes.AsSpan(last * Dimensions, Dimensions).CopyTo(_codes.AsSpan(slot * Dimensions, Dimensions));
            _nibbles.AsSpan(last * _nibbleBytes, _nibbleBytes)
                .CopyTo(_nibbles.AsSpan(slot * _nibbleBytes, _nibbleBytes));
            _scales[slot] = _scales[last];
            _nibbleScales[slot] = _nibbleScales[last];
            _ids[slot] = _ids[last];
            _tokens[slot] = _tokens[last];
            _slots[_ids[slot]] = slot;
        }
        _ids[last] = null!;
        _tokens[last] = null!;
    }

    private void Grow() => Resize(Math.Max(64, _ids.Length * 2));

    private void Resize(int capacity)
    {
        // One array holds all codes: past Array.MaxLength bytes the group cannot be held (the budget stops it first).
        if ((long)capacity * Dimensions > Array.MaxLength)
            throw new InsufficientMemoryException("Group too large for one scan array.");
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _tokens, capacity);
        Array.Resize(ref _scales, capacity);
        Array.Resize(ref _nibbleScales, capacity);
        Array.Resize(ref _codes, capacity * Dimensions);
        Array.Resize(ref _nibbles, capacity * _nibbleBytes);
    }
}
