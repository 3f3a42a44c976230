using FacePing.Core.Clustering;
using FacePing.Tests.Api;

namespace FacePing.Tests.Clustering;

public sealed class ClustererTests
{
    // People as tight groups of unit vectors around random centres (cosine to the centre ≈ 0.9), plus loners.
    private static (float[] Data, int[] Person) People(int people, int photos, int loners, int dims, int seed)
    {
        var random = new Random(seed);
        var count = people * photos + loners;
        var data = new float[count * dims];
        var person = new int[count];
        for (var p = 0; p < people; p++)
        {
            var centre = ApiTestData.RandomUnit(random, dims);
            for (var k = 0; k < photos; k++)
                Put(data, p * photos + k, dims, centre, ApiTestData.RandomUnit(random, dims), 0.45f);
        }
        for (var i = people * photos; i < count; i++)
        {
            ApiTestData.RandomUnit(random, dims).CopyTo(data, i * dims);
            person[i] = -1 - i;
        }
        for (var i = 0; i < people * photos; i++) person[i] = i / photos;
        return (data, person);
    }

    private static void Put(float[] data, int i, int dims, float[] centre, float[] noise, float amount)
    {
        for (var d = 0; d < dims; d++) data[i * dims + d] = centre[d] + amount * noise[d];
    }

    [Fact]
    public async Task People_come_back_as_clusters_largest_first_and_loners_are_left_out()
    {
        const int dims = 128;
        var (data, person) = People(20, 6, 50, dims, 1);
        // Two more photos of person 0, so it is the one largest cluster.
        var extra = new float[2 * dims];
        Array.Copy(data, 0, extra, 0, dims);
        Array.Copy(data, dims, extra, dims, dims);
        data = [.. data, .. extra];
        person = [.. person, 0, 0];
        var count = person.Length;

        var clusters = await ClusterEngine.RunAsync(data, count, dims, new ClusterSettings(0.75f, 2, Threads: 2), null,
            CancellationToken.None);
        Assert.Equal(20, clusters.Count);
        Assert.Equal(8, clusters[0].Length);
        Assert.All(clusters, c => Assert.Single(c.Select(i => person[i]).Distinct()));
        Assert.All(clusters.Skip(1), c => Assert.Equal(6, c.Length));
        // Ties in size: the cluster whose first index is lowest first.
        Assert.Equal(clusters.Skip(1).Select(c => c[0]).Order(), clusters.Skip(1).Select(c => c[0]));
        Assert.All(clusters, c => Assert.Equal(c.Order(), c));

        var big = await ClusterEngine.RunAsync(data, count, dims, new ClusterSettings(0.75f, 7, Threads: 2), null,
            CancellationToken.None);
        Assert.Equal([clusters[0]], big);
    }

    [Fact]
    public async Task One_look_alike_pair_does_not_join_two_people_as_connected_components_would()
    {
        const int dims = 64;
        const float threshold = 0.75f;
        var random = new Random(5);
        var a = ApiTestData.RandomUnit(random, dims);
        var b = ApiTestData.RandomUnit(random, dims);
        var data = new float[20 * dims];
        for (var i = 0; i < 10; i++) Put(data, i, dims, a, ApiTestData.RandomUnit(random, dims), 0.2f);
        for (var i = 10; i < 20; i++) Put(data, i, dims, b, ApiTestData.RandomUnit(random, dims), 0.2f);
        // Photo 9 of A and photo 10 of B look alike: each still matches its own person (cosine ≈ 0.83), and the two
        // match each other (≈ 0.9), while A and B have nothing in common.
        for (var d = 0; d < dims; d++)
        {
            data[9 * dims + d] = 0.85f * a[d] + 0.527f * b[d];
            data[10 * dims + d] = 0.527f * a[d] + 0.85f * b[d];
        }
        var graph = await NeighbourSearch.FindAsync(data, 20, dims, 10, 2, null);
        Assert.Equal(10, graph.Of(9)[0]);
        Assert.True(graph.SimilaritiesOf(9)[0] > 0.85f);

        // Connected components chain A and B together through the pair; average linkage never mixes A's other
        // photos with B's.
        Assert.Single(Clusterer.MutualComponents(graph, threshold, 2));
        var average = Clusterer.AverageLinkage(data, dims, graph, threshold, 2);
        Assert.All(average, c => Assert.False(c.Any(i => i < 9) && c.Any(i => i > 10), string.Join(",", c)));
        Assert.Contains(average, c => c.Count(i => i < 9) == 9);
        Assert.Contains(average, c => c.Count(i => i > 10) == 9);
    }

    [Fact]
    public async Task Nothing_clusters_when_nothing_is_similar_enough()
    {
        const int dims = 256;
        var (data, _) = People(0, 0, 300, dims, 9);
        var settings = new ClusterSettings(0.7665f, 2);
        Assert.Empty(await ClusterEngine.RunAsync(data, 300, dims, settings, null, CancellationToken.None));
        Assert.Empty(await ClusterEngine.RunAsync([], 0, dims, settings, null, CancellationToken.None));
    }
}
