using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FacePing.Core.Clustering;

/// <summary>
/// Exact k nearest neighbours of every vector of a set (all pairs, no index): the vectors become int8
/// <see cref="PairCodes"/>, every pair is scored once by a blocked integer kernel (<see cref="PairKernels"/>: 6 × 16
/// pairs per call, blocks of 384 × 384 vectors per unit of work so both sides stay in the cache), each score is offered
/// to both vectors' candidate heaps, and the <see cref="CandidateFactor"/> × k best candidates of each vector are then
/// scored exactly in float32. 100k vectors are 5 × 10⁹ pairs: the whole search and clustering take about 30 s of CPU
/// with AVX-VNNI, about 1.7 × 10⁸ pairs per second and core all included (docs/clustering.md).
/// </summary>
public static class NeighbourSearch
{
    /// <summary>
    /// Candidates kept per vector from the int8 scores, per neighbour asked for. Their error (≤ 2e-3 on 640-d unit
    /// vectors) only matters between candidates closer than that; twice k leaves ample room.
    /// </summary>
    public const int CandidateFactor = 2;

    /// <param name="vectors">
    /// <paramref name="count"/> vectors of <paramref name="dimensions"/> floats each, one after another.
    /// </param>
    /// <param name="threads">Cores to use (at least 1).</param>
    /// <param name="progress">Called between steps with the share of pairs done (0–1), awaited before going on.</param>
    internal static async Task<Neighbours> FindAsync(float[] vectors, int count, int dimensions, int k, int threads,
        Func<double, CancellationToken, Task>? progress, PairKernels.Kind? kernel = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        threads = Math.Max(1, threads);
        var kind = kernel ?? PairKernels.Best;
        if (!PairKernels.IsSupported(kind))
            throw new PlatformNotSupportedException($"The {kind} kernel does not run on this CPU.");
        var result = new Neighbours(count, k);
        if (count < 2) return result;

        var codes = await Task.Run(() => PairCodes.Encode(vectors, count, dimensions, threads), cancellationToken);
        var keep = Math.Min(count - 1, k * CandidateFactor);
        var heaps = new CandidateHeaps[threads];
        for (var t = 0; t < threads; t++) heaps[t] = new CandidateHeaps(codes.Padded, count, keep);

        var blocks = codes.Padded / PairCodes.Block;
        var items = new (int Rows, int Columns)[blocks * (blocks + 1) / 2];
        var n = 0;
        for (var i = 0; i < blocks; i++)
        {
            for (var j = i; j < blocks; j++) items[n++] = (i, j);
        }

        // Steps of about 1 % of the work: progress and cancellation between them, each step spread over the threads.
        var step = Math.Max(threads, items.Length / 100);
        for (var from = 0; from < items.Length; from += step)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var to = Math.Min(items.Length, from + step);
            var next = from - 1;
            var workers = new Task[threads];
            for (var t = 0; t < threads; t++)
            {
                var heap = heaps[t];
                workers[t] = Task.Factory.StartNew(() =>
                {
                    int item;
                    while ((item = Interlocked.Increment(ref next)) < to)
                        Score(codes, items[item].Rows, items[item].Columns, heap, kind);
                }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            await Task.WhenAll(workers);
            if (progress is not null) await progress((double)to / items.Length, cancellationToken);
        }

        await Task.Run(() => Rerank(vectors, dimensions, heaps, result, threads), cancellationToken);
        return result;
    }

    [InlineArray(96)]
    private struct TileSums
    {
        private int _element;
    }

    // One unit of work: rows of block I against columns of block J ≥ I (on the diagonal only pairs j > i).
    private static void Score(PairCodes codes, int rowBlock, int columnBlock, CandidateHeaps heaps,
        PairKernels.Kind kind)
    {
        TileSums tile = default;
        Span<int> sums = tile;
        var rowBytes = codes.RowBytes;
        var groups = codes.Groups;
        var diagonal = rowBlock == columnBlock;
        var rowStart = rowBlock * PairCodes.Block;
        var rowEnd = Math.Min(codes.Count, rowStart + PairCodes.Block);
        var columnEnd = Math.Min(codes.Count, (columnBlock + 1) * PairCodes.Block);
        for (var j0 = columnBlock * PairCodes.Block; j0 < columnEnd; j0 += PairCodes.TileColumns)
        {
            ref var panel = ref codes.Panels[j0 / PairCodes.PanelWidth * rowBytes * PairCodes.PanelWidth];
            var offsets = codes.Offsets.AsSpan(j0, PairCodes.TileColumns);
            var last = diagonal ? Math.Min(rowEnd, j0 + PairCodes.TileColumns) : rowEnd;
            for (var i0 = rowStart; i0 < last; i0 += PairCodes.TileRows)
            {
                PairKernels.Tile(kind, ref codes.Rows[i0 * rowBytes], rowBytes, ref panel, groups, offsets, sums);
                Offer(codes, sums, i0, j0, heaps, diagonal);
            }
        }
    }

    private static readonly Vector256<int> Lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

    // Approximate cosines of the tile, each offered to both vectors' heaps where it beats their worst candidate.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(PairCodes codes, Span<int> sums, int i0, int j0, CandidateHeaps heaps, bool diagonal)
    {
        var count = codes.Count;
        var thresholds = heaps.Threshold;
        ref var scalesRef = ref MemoryMarshal.GetArrayDataReference(codes.Scales);
        ref var thresholdRef = ref MemoryMarshal.GetArrayDataReference(thresholds);
        ref var sumsRef = ref MemoryMarshal.GetReference(sums);
        var rows = Math.Min(PairCodes.TileRows, count - i0);
        for (var half = 0; half < 2; half++)
        {
            var j = j0 + half * PairCodes.PanelWidth;
            if (j >= count) return;
            var columnScales = Vector256.LoadUnsafe(ref scalesRef, (nuint)j);
            var columns = Lanes + Vector256.Create(j);
            var valid = Vector256.LessThan(columns, Vector256.Create(count));
            for (var r = 0; r < rows; r++)
            {
                var i = i0 + r;
                var score = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref sumsRef, (nuint)(r * 16 + half * 8)))
                            * columnScales * Unsafe.Add(ref scalesRef, i);
                var better = Vector256.GreaterThan(score, Vector256.Create(Unsafe.Add(ref thresholdRef, i)))
                             | Vector256.GreaterThan(score, Vector256.LoadUnsafe(ref thresholdRef, (nuint)j));
                var wanted = better.AsInt32() & valid;
                if (diagonal) wanted &= Vector256.GreaterThan(columns, Vector256.Create(i));
                var bits = wanted.ExtractMostSignificantBits();
                while (bits != 0)
                {
                    var lane = BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    var s = score.GetElement(lane);
                    heaps.Offer(i, s, j + lane);
                    heaps.Offer(j + lane, s, i);
                }
            }
        }
    }

    // Each vector's best candidates over all threads' heaps, scored exactly, best k kept.
    private static void Rerank(float[] vectors, int dimensions, CandidateHeaps[] heaps, Neighbours result, int threads)
    {
        var count = result.Count;
        var norms = new float[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var v = vectors.AsSpan(i * dimensions, dimensions);
            var norm = MathF.Sqrt(Dot(v, v));
            norms[i] = norm > 0 && float.IsFinite(norm) ? 1 / norm : 0;
        });
        var keep = heaps[0].Capacity;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var pooled = new List<(float Score, int Index)>(keep * heaps.Length);
            var exact = new List<(float Score, int Index)>(keep);
            for (var i = t; i < count; i += threads)
            {
                pooled.Clear();
                foreach (var heap in heaps) heap.AddTo(i, pooled);
                pooled.Sort(static (a, b) => b.Score.CompareTo(a.Score));
                exact.Clear();
                var v = vectors.AsSpan(i * dimensions, dimensions);
                for (var c = 0; c < Math.Min(keep, pooled.Count); c++)
                {
                    var j = pooled[c].Index;
                    exact.Add((Dot(v, vectors.AsSpan(j * dimensions, dimensions)) * norms[i] * norms[j], j));
                }
                exact.Sort(static (a, b) =>
                    b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
                var row = i * result.K;
                for (var c = 0; c < Math.Min(result.K, exact.Count); c++)
                {
                    result.Index[row + c] = exact[c].Index;
                    result.Similarity[row + c] = Math.Clamp(exact[c].Score, -1f, 1f);
                }
            }
        });
    }

    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector256<float>.Zero;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var x = ref MemoryMarshal.GetReference(a);
            ref var y = ref MemoryMarshal.GetReference(b);
            for (; i <= a.Length - 8; i += 8)
                sum += Vector256.LoadUnsafe(ref x, (nuint)i) * Vector256.LoadUnsafe(ref y, (nuint)i);
        }
        var total = Vector256.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    /// <summary>Per vector, the best approximate candidates one thread has seen: min-heaps in flat arrays.</summary>
    private sealed class CandidateHeaps
    {
        private readonly float[] _scores;
        private readonly int[] _indexes;
        private readonly int[] _counts;

        public CandidateHeaps(int padded, int count, int capacity)
        {
            Capacity = capacity;
            _scores = new float[(long)padded * capacity];
            _indexes = new int[(long)padded * capacity];
            _counts = new int[padded];
            Threshold = new float[padded];
            Threshold.AsSpan(0, count).Fill(float.NegativeInfinity);
            // Padding never takes candidates.
            Threshold.AsSpan(count).Fill(float.PositiveInfinity);
        }

        public int Capacity { get; }

        /// <summary>Per vector: the score a candidate must beat (its heap's minimum once full, else −∞).</summary>
        public float[] Threshold { get; }

        public void Offer(int row, float score, int index)
        {
            if (score <= Threshold[row]) return;
            var b = row * Capacity;
            var n = _counts[row];
            if (n < Capacity)
            {
                var i = n;
                _scores[b + i] = score;
                _indexes[b + i] = index;
                while (i > 0)
                {
                    var parent = (i - 1) / 2;
                    if (_scores[b + parent] <= _scores[b + i]) break;
                    Swap(b, i, parent);
                    i = parent;
                }
                _counts[row] = ++n;
                if (n == Capacity) Threshold[row] = _scores[b];
                return;
            }
            _scores[b] = score;
            _indexes[b] = index;
            var at = 0;
            while (true)
            {
                var left = 2 * at + 1;
                if (left >= Capacity) break;
                var smaller = left + 1 < Capacity && _scores[b + left + 1] < _scores[b + left] ? left + 1 : left;
                if (_scores[b + at] <= _scores[b + smaller]) break;
                Swap(b, at, smaller);
                at = smaller;
            }
            Threshold[row] = _scores[b];
        }

        public void AddTo(int row, List<(float, int)> list)
        {
            var b = row * Capacity;
            for (var i = 0; i < _counts[row]; i++) list.Add((_scores[b + i], _indexes[b + i]));
        }

        private void Swap(int b, int x, int y)
        {
            (_scores[b + x], _scores[b + y]) = (_scores[b + y], _scores[b + x]);
            (_indexes[b + x], _indexes[b + y]) = (_indexes[b + y], _indexes[b + x]);
        }
    }
}
