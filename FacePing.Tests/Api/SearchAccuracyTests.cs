using System.Net.Http.Json;
using FacePing.Tests.Infrastructure;
using Xunit.Abstractions;
using static FacePing.Tests.Api.ApiTestData;

namespace FacePing.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SearchAccuracyTests(ApiFixture fixture, ITestOutputHelper output)
{
    private const int Dims = 512;
    private const int Count = 3000;
    private const int Queries = 60;
    private const int TopK = 10;

    [Fact]
    public async Task Search_matches_exact_brute_force_on_random_512d_vectors()
    {
        using var client = await fixture.Factory.CreateTenantClientAsync();
        await CreateGroup(client, "recall");
        var random = new Random(20261125);
        var stored = new float[Count][];
        var ids = new string[Count];
        for (var start = 0; start < Count; start += 100)
        {
            var batch = Enumerable.Range(start, 100).Select(i =>
            {
                stored[i] = RandomUnit(random, Dims);
                return new { vectorString = Text(stored[i]), metadata = new { parity = i % 2 == 0 ? "even" : "odd" } };
            }).ToArray();
            var result = await Json(await client.PostAsJsonAsync("/groups/recall/vectors/upsert",
                new { vectors = batch }));
            var batchIds = result.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
            batchIds.CopyTo(ids, start);
        }

        // Half the queries are fresh random directions (the hardest case for HNSW: every point is almost equally far),
        // half are noisy copies of stored vectors (the face-search case: one true neighbour far above the rest).
        var foundByKind = new double[2];
        double found = 0, total = 0;
        var worstScoreError = 0.0;
        for (var q = 0; q < Queries; q++)
        {
            var query = q % 2 == 0 ? RandomUnit(random, Dims) : Noisy(stored[random.Next(Count)], random);
            var exact = Enumerable.Range(0, Count)
                .Select(i => (Id: ids[i], Score: Cosine(query, stored[i])))
                .OrderByDescending(x => x.Score).Take(TopK).ToList();
            var hits = await Json(await client.PostAsJsonAsync("/groups/recall/vectors/search",
                new { vectorString = Text(query), topK = TopK }));
            var got = hits.EnumerateArray()
                .Select(h => (Id: h.GetProperty("id").GetString()!, Score: h.GetProperty("score").GetDouble()))
                .ToList();

            Assert.Equal(TopK, got.Count);
            Assert.Equal(got.OrderByDescending(h => h.Score).Select(h => h.Id), got.Select(h => h.Id));
            var overlap = got.Select(h => h.Id).Intersect(exact.Select(e => e.Id)).Count();
            found += overlap;
            foundByKind[q % 2] += overlap;
            total += TopK;
            foreach (var (id, score) in got)
            {
                var truth = Cosine(query, stored[Array.IndexOf(ids, id)]);
                worstScoreError = Math.Max(worstScoreError, Math.Abs(truth - score));
            }
        }
        var recall = found / total;
        output.WriteLine($"recall@{TopK} = {recall:F4} over {Queries} queries on {Count} x {Dims}-d; " +
            $"worst score error {worstScoreError:E2}; random queries {foundByKind[0] / (total / 2):F4}, " +
            $"near-duplicate queries {foundByKind[1] / (total / 2):F4}");
        Assert.True(recall >= 0.98, $"recall@{TopK} {recall:F4}");
        Assert.True(worstScoreError <= 1e-4, $"score error {worstScoreError}");
    }

    private static float[] Noisy(float[] v, Random random)
    {
        var noise = RandomUnit(random, v.Length);
        var result = new float[v.Length];
        for (var i = 0; i < v.Length; i++) result[i] = v[i] + 0.6f * noise[i];
        return result;
    }

    // Reference in double precision, written out independently of the code under test.
    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
