namespace FacePing.Core.Clustering;

/// <summary>
/// Groups vectors into people from their nearest-neighbour graph (<see cref="Neighbours"/>). Clusters come back as
/// index arrays in ascending order, largest first (ties: lowest first index).
/// </summary>
public static class Clusterer
{
    /// <summary>
    /// Connected components of the graph whose edges join mutual neighbours (each among the other's k nearest) with
    /// cosine ≥ <paramref name="threshold"/>: a union-find over the edges.
    /// </summary>
    public static List<int[]> MutualComponents(Neighbours neighbours, float threshold, int minSize)
    {
        var sets = new UnionFind(neighbours.Count);
        for (var i = 0; i < neighbours.Count; i++)
        {
            var row = neighbours.Of(i);
            var scores = neighbours.SimilaritiesOf(i);
            for (var c = 0; c < row.Length; c++)
            {
                var j = row[c];
                if (j < 0 || !(scores[c] >= threshold)) break;
                if (j > i && neighbours.Contains(j, i)) sets.Union(i, j);
            }
        }
        return Collect(sets, minSize);
    }

    /// <summary>
    /// Average linkage: starting from single vectors, the two clusters with the highest mean pairwise cosine are
    /// merged while it is ≥ <paramref name="threshold"/>. The mean over all |A|·|B| pairs is exact and cheap,
    /// (ΣA · ΣB) / (|A| |B|) on unit vectors; only clusters joined by a neighbour edge ≥ the threshold are candidates
    /// (a mean ≥ t needs some pair ≥ t). A look-alike pair joins two people only if their photos match on average, so
    /// one false edge does not chain two clusters together as it does in connected components.
    /// </summary>
    public static List<int[]> AverageLinkage(float[] vectors, int dimensions, Neighbours neighbours, float threshold,
        int minSize)
    {
        var count = neighbours.Count;
        var sets = new UnionFind(count);
        var sums = new float[]?[count];
        var sizes = new int[count];
        var versions = new int[count];
        var adjacent = new HashSet<int>?[count];
        var inverse = new float[count];
        for (var i = 0; i < count; i++)
        {
            sizes[i] = 1;
            var v = vectors.AsSpan(i * dimensions, dimensions);
            var norm = MathF.Sqrt(NeighbourSearch.Dot(v, v));
            inverse[i] = norm > 0 && float.IsFinite(norm) ? 1 / norm : 0;
        }

        // Highest similarity first; an entry is stale once either side has merged since (its version moved on).
        var queue = new PriorityQueue<(int A, int B, int VersionA, int VersionB), float>(
            Comparer<float>.Create(static (x, y) => y.CompareTo(x)));
        for (var i = 0; i < count; i++)
        {
            var row = neighbours.Of(i);
            var scores = neighbours.SimilaritiesOf(i);
            for (var c = 0; c < row.Length; c++)
            {
                var j = row[c];
                if (j < 0 || !(scores[c] >= threshold)) break;
                (adjacent[i] ??= []).Add(j);
                (adjacent[j] ??= []).Add(i);
                if (i < j || !neighbours.Contains(j, i)) queue.Enqueue((i, j, 0, 0), scores[c]);
            }
        }

        ReadOnlySpan<float> Sum(int cluster, Span<float> scratch)
        {
            if (sums[cluster] is { } sum) return sum;
            var v = vectors.AsSpan(cluster * dimensions, dimensions);
            for (var d = 0; d < dimensions; d++) scratch[d] = v[d] * inverse[cluster];
            return scratch;
        }

        var left = new float[dimensions];
        var right = new float[dimensions];
        while (queue.TryDequeue(out var pair, out var similarity))
        {
            if (similarity < threshold) break;
            var (a, b) = (pair.A, pair.B);
            if (a == b || versions[a] != pair.VersionA || versions[b] != pair.VersionB) continue;
            if (sets.Find(a) != a || sets.Find(b) != b) continue;

            // The larger cluster absorbs the smaller; its sum becomes the sum of both.
            if (sizes[a] < sizes[b]) (a, b) = (b, a);
            var merged = sums[a] ?? Sum(a, left).ToArray();
            var other = Sum(b, right);
            for (var d = 0; d < dimensions; d++) merged[d] += other[d];
            sums[a] = merged;
            sums[b] = null;
            sizes[a] += sizes[b];
            sets.Link(b, a);
            versions[a]++;
            versions[b]++;

            var neighbourhood = adjacent[a] ?? [];
            if (adjacent[b] is { } absorbed)
            {
                foreach (var x in absorbed) neighbourhood.Add(x);
                adjacent[b] = null;
            }
            var current = new HashSet<int>();
            foreach (var x in neighbourhood)
            {
                var root = sets.Find(x);
                if (root != a) current.Add(root);
            }
            adjacent[a] = current;
            foreach (var x in current)
            {
                var mean = NeighbourSearch.Dot(merged, Sum(x, right)) / ((float)sizes[a] * sizes[x]);
                if (mean >= threshold) queue.Enqueue((a, x, versions[a], versions[x]), mean);
            }
        }
        return Collect(sets, minSize);
    }

    private static List<int[]> Collect(UnionFind sets, int minSize)
    {
        var members = new Dictionary<int, List<int>>();
        for (var i = 0; i < sets.Count; i++)
        {
            var root = sets.Find(i);
            if (!members.TryGetValue(root, out var list)) members[root] = list = [];
            list.Add(i);
        }
        var clusters = members.Values.Where(m => m.Count >= minSize).Select(m => m.ToArray()).ToList();
        clusters.Sort(static (x, y) => x.Length != y.Length ? y.Length.CompareTo(x.Length) : x[0].CompareTo(y[0]));
        return clusters;
    }

    private sealed class UnionFind
    {
        private readonly int[] _parent;
        private readonly byte[] _rank;

        public UnionFind(int count)
        {
            _parent = new int[count];
            _rank = new byte[count];
            for (var i = 0; i < count; i++) _parent[i] = i;
        }

        public int Count => _parent.Length;

        public int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }
            return x;
        }

        public void Union(int a, int b)
        {
            a = Find(a);
            b = Find(b);
            if (a == b) return;
            if (_rank[a] < _rank[b]) (a, b) = (b, a);
            _parent[b] = a;
            if (_rank[a] == _rank[b]) _rank[a]++;
        }

        /// <summary>
        /// Makes root <paramref name="child"/> point at root <paramref name="root"/> (the caller keeps its own roots).
        /// </summary>
        public void Link(int child, int root) => _parent[child] = root;
    }
}
