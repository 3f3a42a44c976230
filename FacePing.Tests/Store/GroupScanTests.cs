using FacePing.Core.Storage.Scan;
using FacePing.Core.Vectors;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.Store;

/// <summary>The scan copy on its own: both scan paths (one thread, and split over cores past 32,768 vectors).</summary>
public sealed class GroupScanTests
{
    [Theory]
    [InlineData(5_000, 512)]
    [InlineData(40_000, 128)]
    public void Candidates_hold_the_exact_top_10(int count, int dims)
    {
        var random = new Random(count);
        var vectors = new float[count][];
        var scan = new GroupScan("g", 0);
        scan.Reserve(count, dims);
        var batch = new List<(string, float[]?)>(count);
        for (var i = 0; i < count; i++)
        {
            vectors[i] = RandomUnit(random, dims);
            batch.Add(($"v{i}", vectors[i]));
        }
        scan.Apply(batch, 1);
        Assert.Equal(count, scan.Count);

        for (var q = 0; q < 20; q++)
        {
            var query = RandomUnit(random, dims);
            var exact = Enumerable.Range(0, count)
                .Select(i => (Id: $"v{i}", Score: VectorMath.Cosine(query, vectors[i])))
                .OrderByDescending(x => x.Score).ToList();
            var candidates = scan.Search(query, 20);
            Assert.Equal(20, candidates.Length);
            Assert.Equal(20, candidates.Distinct().Count());
            Assert.Subset(candidates.ToHashSet(), exact.Take(10).Select(x => x.Id).ToHashSet());
            // Best first by approximate score: the first candidate is the true best or within int8 noise of it.
            var first = exact.First(x => x.Id == candidates[0]).Score;
            Assert.True(exact[0].Score - first < 5e-3, $"first candidate {first}, best {exact[0].Score}");
        }
    }

    [Fact]
    public void Removing_moves_the_last_row_into_the_hole_and_search_follows()
    {
        var random = new Random(3);
        var scan = new GroupScan("g", 0);
        var a = RandomUnit(random, 64);
        var b = RandomUnit(random, 64);
        var c = RandomUnit(random, 64);
        scan.Apply([("a", a), ("b", b), ("c", c)], 3);
        scan.Apply([("a", null)], 4);
        Assert.Equal(4, scan.Revision);
        Assert.Equal(["b", "c"], scan.Ids().Order());
        Assert.Equal("c", scan.Search(c, 1)[0]);
        Assert.Equal("b", scan.Search(b, 1)[0]);
        Assert.DoesNotContain("a", scan.Search(a, 3));
        // A vector of another dimension cannot be in the group: it removes the id rather than corrupting the rows.
        scan.Apply([("b", RandomUnit(random, 32))], 5);
        Assert.Equal(["c"], scan.Ids());
    }

    [Fact]
    public void A_filtered_search_ranks_only_the_vectors_holding_every_token_and_tokens_move_with_their_rows()
    {
        var random = new Random(4);
        var scan = new GroupScan("g", 0);
        var a = RandomUnit(random, 64);
        var b = RandomUnit(random, 64);
        var c = RandomUnit(random, 64);
        scan.Apply([("a", a, [1UL, 2UL]), ("b", b, [2UL]), ("c", c, [1UL, 2UL, 3UL])], 3);
        Assert.Equal(["a", "c"], scan.Search(b, 3, [1UL, 2UL]).Order());
        Assert.Equal(["a", "b", "c"], scan.Search(a, 3, [2UL]).Order());
        Assert.Empty(scan.Search(a, 3, [4UL]));
        // Removing a moves c into a's row: its tokens go with it, a's do not stay behind.
        scan.Apply([("a", null, [])], 4);
        Assert.Equal(["c"], scan.Search(a, 3, [3UL]));
        Assert.Equal(["c"], scan.Search(a, 3, [1UL]));
        // New metadata replaces the tokens.
        scan.Apply([("c", c, [5UL])], 5);
        Assert.Empty(scan.Search(c, 3, [1UL]));
        Assert.Equal(["c"], scan.Search(b, 3, [5UL]));
    }
}
