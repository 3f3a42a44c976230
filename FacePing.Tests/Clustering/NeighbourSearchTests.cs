using FacePing.Core.Clustering;
using FacePing.Tests.Api;

namespace FacePing.Tests.Clustering;

/// <summary>The all-pairs nearest-neighbour search against brute force in float, per kernel this CPU runs.</summary>
public sealed class NeighbourSearchTests
{
    // The kernels this CPU runs, by name (the kernel type is internal to FacePing.Core).
    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (var kind in Enum.GetValues<PairKernels.Kind>())
        {
            if (PairKernels.IsSupported(kind)) data.Add(kind.ToString());
        }
        return data;
    }

    // Vectors near a few centres (people) plus uniformly random ones, so neighbour lists mix close and far scores.
    private static float[] Vectors(int count, int dims, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, Math.Max(1, count / 8)).Select(_ => ApiTestData.RandomUnit(random, dims))
            .ToArray();
        var data = new float[count * dims];
        for (var i = 0; i < count; i++)
        {
            var noise = ApiTestData.RandomUnit(random, dims);
            var centre = i % 3 == 0 ? null : centres[random.Next(centres.Length)];
            for (var d = 0; d < dims; d++)
                data[i * dims + d] = centre is null ? noise[d] : 0.9f * centre[d] + 0.45f * noise[d];
        }
        return data;
    }

    private static List<(float Score, int Index)> BruteForce(float[] data, int count, int dims, int i)
    {
        var a = data.AsSpan(i * dims, dims);
        var result = new List<(float, int)>(count);
        for (var j = 0; j < count; j++)
        {
            if (j != i) result.Add((Core.Vectors.VectorMath.Cosine(a, data.AsSpan(j * dims, dims)), j));
        }
        result.Sort((x, y) => y.Item1.CompareTo(x.Item1));
        return result;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Tiles_of_every_kernel_are_the_exact_integer_dot_products(string kernel)
    {
        var kind = Enum.Parse<PairKernels.Kind>(kernel);
        const int count = 400;
        const int dims = 130; // not a multiple of 4: the last group is padded
        var codes = PairCodes.Encode(Vectors(count, dims, 1), count, dims, 2);
        var random = new Random(2);
        var sums = new int[96];
        for (var trial = 0; trial < 20; trial++)
        {
            var i0 = random.Next(0, (count - 6) / 6) * 6;
            var j0 = random.Next(0, (codes.Padded - 16) / 16) * 16;
            PairKernels.Tile(kind, ref codes.Rows[i0 * codes.RowBytes], codes.RowBytes,
                ref codes.Panels[j0 * codes.RowBytes],
                codes.Groups, codes.Offsets.AsSpan(j0, 16), sums);
            for (var r = 0; r < 6; r++)
            {
                for (var c = 0; c < 16; c++)
                {
                    var expected = 0;
                    var j = j0 + c;
                    for (var d = 0; d < codes.RowBytes; d++)
                    {
                        var column = codes.Panels[j / 8 * codes.RowBytes * 8 + d / 4 * 32 + j % 8 * 4 + d % 4];
                        expected += (codes.Rows[(i0 + r) * codes.RowBytes + d] - 128) * column;
                    }
                    Assert.Equal(expected, sums[r * 16 + c]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public async Task Neighbours_are_the_exact_nearest_by_cosine_best_first(string kernel)
    {
        var kind = Enum.Parse<PairKernels.Kind>(kernel);
        // Sizes not multiples of the block (384) or of the tile (6 × 16), and dimensions not a multiple of 4.
        foreach (var (count, dims) in new[] { (777, 130), (1000, 64), (390, 640) })
        {
            var data = Vectors(count, dims, count);
            var graph = await NeighbourSearch.FindAsync(data, count, dims, 10, 2, null, kind, CancellationToken.None);
            for (var i = 0; i < count; i += 7)
            {
                var truth = BruteForce(data, count, dims, i);
                var row = graph.Of(i).ToArray();
                var scores = graph.SimilaritiesOf(i).ToArray();
                for (var c = 0; c < 10; c++)
                {
                    // The same scores in the same order; an index may differ only where two scores tie to float
                    // precision.
                    Assert.Equal(truth[c].Score, scores[c], 1e-5f);
                    var cosine = Core.Vectors.VectorMath.Cosine(data.AsSpan(i * dims, dims),
                        data.AsSpan(row[c] * dims, dims));
                    Assert.Equal(truth[c].Score, cosine, 1e-5f);
                }
                Assert.Equal(10, row.Distinct().Count());
                Assert.DoesNotContain(i, row);
            }
        }
    }

    [Fact]
    public async Task Tiny_sets_have_as_many_neighbours_as_there_are_other_vectors()
    {
        Assert.Equal(0, (await NeighbourSearch.FindAsync([], 0, 8, 10, 2, null)).Count);
        var one = await NeighbourSearch.FindAsync(Vectors(1, 8, 3), 1, 8, 10, 2, null);
        Assert.All(one.Of(0).ToArray(), j => Assert.Equal(-1, j));
        var three = await NeighbourSearch.FindAsync(Vectors(3, 8, 3), 3, 8, 10, 2, null);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal([.. Enumerable.Range(0, 3).Where(j => j != i)], three.Of(i)[..2].ToArray().Order());
            Assert.Equal(-1, three.Of(i)[2]);
        }
    }

    [Fact]
    public async Task Progress_rises_to_one_and_cancellation_stops_the_search()
    {
        const int count = 2000, dims = 32;
        var data = Vectors(count, dims, 4);
        var seen = new List<double>();
        await NeighbourSearch.FindAsync(data, count, dims, 5, 2, (done, _) =>
        {
            seen.Add(done);
            return Task.CompletedTask;
        });
        Assert.True(seen.Count >= 5, $"{seen.Count} reports");
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(1.0, seen[^1]);

        using var cancel = new CancellationTokenSource();
        async Task CancelPartWay(double done, CancellationToken _)
        {
            if (done > 0.2) await cancel.CancelAsync();
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            NeighbourSearch.FindAsync(data, count, dims, 5, 2, CancelPartWay, cancellationToken: cancel.Token));
    }
}
