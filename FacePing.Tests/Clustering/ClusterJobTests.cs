using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Faces;
using FacePing.Core.Jobs;
using FacePing.Core.Storage;
using FacePing.Core.Vectors;
using FacePing.Tests.Faces;
using FacePing.Tests.Inference;
using FacePing.Tests.Ingestion.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static FacePing.Tests.Api.ApiTestData;
using static FacePing.Tests.Faces.FaceRequests;

namespace FacePing.Tests.Clustering;

/// <summary>
/// Cluster jobs end to end: POST /groups/{g}/cluster on the Api, the job on the Redis stream, the Ingestion worker's
/// run, GET /jobs/{id} and /jobs/{id}/clusters, and metadata written back into the group — on the 24 labelled faces
/// of bald_guys.jpg (fixtures/faces/labels.json) through the real models.
/// </summary>
[Collection(ClusteringCollection.Name)]
public sealed class ClusterJobTests(ClusteringFixture fx)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    // One tenant with the 24 faces stored, shared by the tests that only read them (storing costs 24 inference calls).
    private static Task<BaldGuys>? _baldGuys;
    private static readonly Lock BaldGuysLock = new();

    private sealed record BaldGuys(string Tenant, HttpClient Client, string Group,
        IReadOnlyDictionary<string, string> PersonOf);

    private Task<BaldGuys> BaldGuysAsync()
    {
        lock (BaldGuysLock) return _baldGuys ??= StoreBaldGuysAsync();
    }

    // Every labelled face of the photo, cut out with a margin and enrolled as a face (the largest face of the crop).
    private async Task<BaldGuys> StoreBaldGuysAsync()
    {
        var (tenant, client) = await TenantAsync("bald");
        const string group = "bald-guys";
        await CreateGroup(client, group);
        var personOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var person in FaceLabels.BaldGuys.Select(f => f.Person).Distinct())
        {
            for (var i = 0; i < FaceLabels.BaldGuys.Count(f => f.Person == person); i++)
            {
                using var response = await client.PostAsync(
                    $"/groups/{group}/face?metadata[person]={person}&metadata[photo]={i}",
                    Form(("image", FacesFixture.Crop(person, i))));
                personOf[(await Json(response, HttpStatusCode.Created)).GetProperty("id").GetString()!] = person;
            }
        }
        Assert.Equal(24, personOf.Count);
        Assert.Equal(4, personOf.Values.Distinct().Count());
        return new BaldGuys(tenant, client, group, personOf);
    }

    private async Task<(string Tenant, HttpClient Client)> TenantAsync(string name)
    {
        var key = await fx.Api.CreateTenantAsync(name);
        return (key.TenantId, fx.Api.CreateClient(key.Key));
    }

    private static async Task<JsonElement> RunAsync(HttpClient client, string group, object body)
    {
        var jobId = await JobPolling.SubmitAsync(client, $"/groups/{group}/cluster", body);
        var job = await JobPolling.WaitForEndAsync(client, jobId, JobTimeout);
        Assert.True(job.GetProperty("status").GetString() == "completed", job.ToString());
        return job;
    }

    private static async Task<List<(int Id, int Size, string[] Ids)>> ClustersAsync(HttpClient client, string jobId,
        string query = "")
    {
        using var response = await client.GetAsync($"/jobs/{jobId}/clusters{query}");
        return [.. (await Json(response)).EnumerateArray().Select(c => (c.GetProperty("clusterId").GetInt32(),
            c.GetProperty("size").GetInt32(), Ids(c.GetProperty("ids"))))];
    }

    private static string[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(i => i.GetString()!)];

    private static async Task<JsonElement> ProblemAsync(Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        return await ProblemAsync(response, status);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Pairwise precision (share of the pairs put together that are one person) and recall (share of the
    /// same-person pairs put together) of clusters against the labels; unclustered faces pair with nobody.
    /// </summary>
    private static (double Precision, double Recall) Pairwise(IEnumerable<string[]> clusters,
        IReadOnlyDictionary<string, string> personOf)
    {
        static long Pairs(long n) => n * (n - 1) / 2;
        long together = 0, right = 0;
        foreach (var cluster in clusters)
        {
            together += Pairs(cluster.Length);
            right += cluster.GroupBy(id => personOf[id]).Sum(g => Pairs(g.Count()));
        }
        var truth = personOf.Values.GroupBy(p => p).Sum(g => Pairs(g.Count()));
        return (together == 0 ? 1 : (double)right / together, (double)right / truth);
    }

    // The stored vectors by id (what the worker clustered).
    private async Task<Dictionary<string, float[]>> VectorsAsync(BaldGuys bald)
    {
        var read = await fx.Api.Services.GetRequiredService<FaceStore>().ReadGroupVectorsAsync(bald.Tenant, bald.Group);
        return read.Ids.Select((id, i) => (id, read.Vectors.AsSpan(i * read.Dimensions, read.Dimensions).ToArray()))
            .ToDictionary(x => x.id, x => x.Item2, StringComparer.Ordinal);
    }

    private static double MeanPairSimilarity(IReadOnlyList<string> ids, Dictionary<string, float[]> vectors)
    {
        var (sum, pairs) = (0.0, 0);
        for (var a = 0; a < ids.Count; a++)
        {
            for (var b = a + 1; b < ids.Count; b++, pairs++) sum += VectorMath.Cosine(vectors[ids[a]], vectors[ids[b]]);
        }
        return sum / pairs;
    }

    [Fact]
    public async Task The_faces_of_bald_guys_cluster_into_its_four_people()
    {
        var bald = await BaldGuysAsync();
        var job = await RunAsync(bald.Client, bald.Group, new { });
        var jobId = job.GetProperty("jobId").GetString()!;
        Assert.Equal("cluster", job.GetProperty("source").GetString());
        Assert.Equal(24, job.GetProperty("totalFiles").GetInt32());
        Assert.Equal(24, job.GetProperty("processed").GetInt32());
        Assert.Equal(24, job.GetProperty("successCount").GetInt32());
        Assert.Equal(4, job.GetProperty("clusterCount").GetInt32());

        var clusters = await ClustersAsync(bald.Client, jobId);
        // Every pair put together is one person, and every same-person pair is put together.
        var (precision, recall) = Pairwise(clusters.Select(c => c.Ids), bald.PersonOf);
        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);
        Assert.Equal([1, 2, 3, 4], clusters.Select(c => c.Id));
        Assert.All(clusters, c => Assert.Equal(6, c.Size));
        Assert.All(clusters, c => Assert.Equal(6, c.Ids.Length));
        Assert.All(clusters, c => Assert.Single(c.Ids.Select(id => bald.PersonOf[id]).Distinct()));
        Assert.Equal(bald.PersonOf.Values.Distinct().Order(), clusters.Select(c => bald.PersonOf[c.Ids[0]]).Order());
        Assert.All(clusters, c => Assert.Equal(c.Ids.Order(StringComparer.Ordinal), c.Ids));
        // Average linkage's promise: the photos of each cluster match on average at the (default) match threshold.
        var vectors = await VectorsAsync(bald);
        var threshold = fx.Api.Services.GetRequiredService<IOptions<FaceMatchOptions>>().Value.Threshold;
        Assert.All(clusters, c => Assert.True(MeanPairSimilarity(c.Ids, vectors) >= threshold, $"cluster {c.Id}"));

        // Pages in cluster id order (= size order; ties by first id).
        var first = await ClustersAsync(bald.Client, jobId, "?limit=3");
        var rest = await ClustersAsync(bald.Client, jobId, "?limit=3&after=3");
        Assert.Equal([1, 2, 3], first.Select(c => c.Id));
        Assert.Equal([4], rest.Select(c => c.Id));
        Assert.Equal(clusters.Select(c => c.Ids[0]), first.Concat(rest).Select(c => c.Ids[0]));
        Assert.Equal(clusters.Select(c => c.Ids[0]).Order(StringComparer.Ordinal), clusters.Select(c => c.Ids[0]));
        Assert.Empty(await ClustersAsync(bald.Client, jobId, "?after=4"));

        // Folder-import fields stay as they were.
        Assert.Empty(job.GetProperty("failed").EnumerateArray());
    }

    [Fact]
    public async Task A_threshold_above_every_persons_mean_similarity_splits_people_and_never_mixes_them()
    {
        var bald = await BaldGuysAsync();
        var vectors = await VectorsAsync(bald);
        // No person's six photos match on average at this threshold, so none can be one cluster (a cluster's mean is
        // at least the threshold); their best pairs still can.
        var people = bald.PersonOf.GroupBy(p => p.Value, p => p.Key).ToArray();
        var threshold = people.Max(p => MeanPairSimilarity([.. p], vectors)) + 0.001;
        var job = await RunAsync(bald.Client, bald.Group, new { threshold });
        var clusters = await ClustersAsync(bald.Client, job.GetProperty("jobId").GetString()!);

        Assert.NotEmpty(clusters);
        Assert.Equal(clusters.Count, job.GetProperty("clusterCount").GetInt32());
        Assert.Equal(clusters.Sum(c => c.Size), job.GetProperty("successCount").GetInt32());
        var (precision, recall) = Pairwise(clusters.Select(c => c.Ids), bald.PersonOf);
        Assert.Equal(1.0, precision);
        Assert.True(recall is > 0 and < 1, $"recall {recall}");
        Assert.All(clusters, c => Assert.InRange(c.Size, 2, 5));
        Assert.All(clusters, c => Assert.True(MeanPairSimilarity(c.Ids, vectors) >= threshold, $"cluster {c.Id}"));
    }

    [Fact]
    public async Task WriteMetadataKey_labels_every_clustered_vector_and_every_read_path_sees_it()
    {
        var bald = await BaldGuysAsync();
        var client = bald.Client;
        var someone = bald.PersonOf.Keys.Order(StringComparer.Ordinal).First();
        var query = (await client.GetFromJsonAsync<JsonElement>($"/vectors/{someone}")).GetProperty("vectorString")
            .GetString()!;

        // The Api's scan copy of the group is loaded before the job, so the label writes must reach it through the
        // change log.
        async Task<JsonElement[]> SearchAsync(object? metadata, int topK = 6)
        {
            using var response = await client.PostAsJsonAsync($"/groups/{bald.Group}/vectors/search",
                new { vectorString = query, topK, metadata });
            return [.. (await Json(response)).EnumerateArray()];
        }
        await SearchAsync(null);
        await fx.Scan.WhenLoaded(bald.Tenant, bald.Group);
        var copy = fx.Scan.Find(bald.Tenant, bald.Group);
        Assert.NotNull(copy);
        var revisionBefore = (long)await fx.Redis.Db.HashGetAsync(new StoreKeys(bald.Tenant).Group(bald.Group), "rev");

        var job = await RunAsync(client, bald.Group, new { writeMetadataKey = "who" });
        var clusters = await ClustersAsync(client, job.GetProperty("jobId").GetString()!);
        Assert.Equal(4, clusters.Count);

        foreach (var (clusterId, _, ids) in clusters)
        {
            foreach (var id in ids)
            {
                var vector = await client.GetFromJsonAsync<JsonElement>($"/vectors/{id}");
                var metadata = vector.GetProperty("metadata");
                Assert.Equal(clusterId.ToString(), metadata.GetProperty("who").GetString());
                // Nothing else changed.
                Assert.Equal(bald.PersonOf[id], metadata.GetProperty("person").GetString());
                Assert.Equal("image", metadata.GetProperty("source").GetString());
                Assert.True(metadata.TryGetProperty("createdAt", out _));
            }

            // Metadata search (the inverted sets).
            using var found = await client.PostAsJsonAsync($"/vectors/search?groupName={bald.Group}",
                new { metadata = new { who = clusterId } });
            Assert.Equal(ids, (await Json(found)).EnumerateArray().Select(m => m.GetProperty("id").GetString()!)
                .Order(StringComparer.Ordinal));

            // The vector set's filter attributes (what VSIM ... FILTER matches for larger filtered searches).
            await WaitIndexed(bald.Client, bald.Group);
            var token = FilterTokens.Expression(new Dictionary<string, string> { ["who"] = clusterId.ToString() });
            var filtered = (RedisValue[])(await fx.Redis.Db.ExecuteAsync("VSIM",
                new StoreKeys(bald.Tenant).VectorSet(bald.Group),
                "ELE", ids[0], "COUNT", 50, "FILTER", token))!;
            Assert.Equal(ids, filtered.Select(v => (string)v!).Order(StringComparer.Ordinal));
        }

        // Every label write stepped the group's rev and log (one per vector), and the next search's scan copy caught
        // up.
        var revisionAfter = (long)await fx.Redis.Db.HashGetAsync(new StoreKeys(bald.Tenant).Group(bald.Group), "rev");
        Assert.Equal(revisionBefore + 24, revisionAfter);
        var served = fx.Scan.Served;
        var hits = await SearchAsync(null);
        Assert.Equal(served + 1, fx.Scan.Served);
        Assert.Same(copy, fx.Scan.Find(bald.Tenant, bald.Group));
        Assert.Equal(revisionAfter, copy!.Revision);
        var mine = clusters.Single(c => c.Ids.Contains(someone));
        Assert.Equal(mine.Ids, hits.Select(h => h.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(hits, h =>
            Assert.Equal(mine.Id.ToString(), h.GetProperty("metadata").GetProperty("who").GetString()));

        // A search filtered on another cluster's label finds that cluster only, whatever the query is closest to.
        var other = clusters.First(c => c.Id != mine.Id);
        var filteredHits = await SearchAsync(new { who = other.Id.ToString() }, topK: 10);
        Assert.Equal(other.Ids,
            filteredHits.Select(h => h.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));

        // Grouped search by the written key: one hit per person.
        using var grouped = await client.PostAsJsonAsync($"/groups/{bald.Group}/vectors/search",
            new { vectorString = query, topK = 4, groupBy = "who" });
        Assert.Equal(4, (await Json(grouped)).GetArrayLength());
    }

    [Fact]
    public async Task A_later_job_removes_the_labels_it_no_longer_gives()
    {
        var bald = await BaldGuysAsync();
        var keys = new StoreKeys(bald.Tenant);
        await RunAsync(bald.Client, bald.Group, new { writeMetadataKey = "stale" });
        Assert.Equal(24, (await MetadataSearchAsync(bald, "stale", null)).Length);

        // No cluster reaches 7: none is listed, and the key leaves every vector with every index entry.
        var job = await RunAsync(bald.Client, bald.Group, new { writeMetadataKey = "stale", minClusterSize = 7 });
        Assert.Equal(0, job.GetProperty("clusterCount").GetInt32());
        Assert.Equal(0, job.GetProperty("successCount").GetInt32());
        Assert.Empty(await ClustersAsync(bald.Client, job.GetProperty("jobId").GetString()!));
        foreach (var id in bald.PersonOf.Keys)
        {
            var metadata = (await bald.Client.GetFromJsonAsync<JsonElement>($"/vectors/{id}")).GetProperty("metadata");
            Assert.False(metadata.TryGetProperty("stale", out _), metadata.ToString());
            Assert.True(metadata.TryGetProperty("person", out _));
        }
        for (var c = 1; c <= 4; c++)
        {
            Assert.Empty(await MetadataSearchAsync(bald, "stale", c.ToString()));
            Assert.False(await fx.Redis.Db.KeyExistsAsync(keys.Inverted(bald.Group, "stale", c.ToString())));
        }
    }

    // Vectors of the group whose key has the value (any of the four cluster ids when null).
    private static async Task<JsonElement[]> MetadataSearchAsync(BaldGuys bald, string key, string? value)
    {
        var found = new List<JsonElement>();
        foreach (var v in value is null ? ["1", "2", "3", "4"] : new[] { value })
        {
            using var response = await bald.Client.PostAsJsonAsync($"/vectors/search?groupName={bald.Group}",
                new { metadata = new Dictionary<string, string> { [key] = v } });
            found.AddRange((await Json(response)).EnumerateArray());
        }
        return [.. found];
    }

    [Fact]
    public async Task Progress_rises_while_the_job_runs_and_clusters_wait_for_the_end()
    {
        var (tenant, client) = await TenantAsync("progress");
        const string group = "random";
        await CreateGroup(client, group);
        const int count = 2000;
        var random = new Random(11);
        var store = fx.Api.Services.GetRequiredService<FaceStore>();
        for (var from = 0; from < count; from += 100)
        {
            await store.UpsertAsync(tenant, group,
                [.. Enumerable.Range(0, 100).Select(_ => new VectorWrite(RandomUnit(random, 32), null, "vector"))]);
        }

        fx.Pace[tenant] = TimeSpan.FromMilliseconds(150);
        try
        {
            var jobId = await JobPolling.SubmitAsync(client, $"/groups/{group}/cluster", new { threshold = 0.9 });
            var seen = new List<int>();
            var conflicts = 0;
            JsonElement job;
            var deadline = DateTime.UtcNow + JobTimeout;
            while (true)
            {
                job = await client.GetFromJsonAsync<JsonElement>($"/jobs/{jobId}");
                var status = job.GetProperty("status").GetString();
                if (status is "completed" or "failed" || DateTime.UtcNow > deadline) break;
                if (status == "running")
                {
                    Assert.Equal(count, job.GetProperty("totalFiles").GetInt32());
                    Assert.False(job.TryGetProperty("clusterCount", out _));
                    seen.Add(job.GetProperty("processed").GetInt32());
                    if (conflicts == 0)
                    {
                        var early = await ProblemAsync(client.GetAsync($"/jobs/{jobId}/clusters"),
                            HttpStatusCode.Conflict);
                        Assert.Contains("running", early.GetProperty("detail").GetString());
                        conflicts++;
                    }
                }
                await Task.Delay(20);
            }
            Assert.Equal("completed", job.GetProperty("status").GetString());
            Assert.Equal(count, job.GetProperty("processed").GetInt32());
            Assert.Equal(seen.Order(), seen);
            var between = seen.Where(p => p is > 0 and < count).Distinct().ToArray();
            Assert.True(between.Length >= 3, $"processed while running: {string.Join(", ", seen.Distinct())}");
        }
        finally
        {
            fx.Pace.TryRemove(tenant, out _);
        }
    }

    [Fact]
    public async Task An_empty_group_clusters_into_nothing_and_a_request_without_a_body_takes_the_defaults()
    {
        var (_, client) = await TenantAsync("empty");
        await CreateGroup(client, "nobody");
        using var response = await client.PostAsync("/groups/nobody/cluster", null);
        var accepted = await Json(response, HttpStatusCode.Accepted);
        var job = await JobPolling.WaitForEndAsync(client, accepted.GetProperty("jobId").GetString()!, JobTimeout);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(0, job.GetProperty("totalFiles").GetInt32());
        Assert.Equal(0, job.GetProperty("clusterCount").GetInt32());
        Assert.Empty(await ClustersAsync(client, job.GetProperty("jobId").GetString()!));
    }

    [Fact]
    public async Task Cluster_jobs_are_private_to_their_tenant()
    {
        var bald = await BaldGuysAsync();
        var jobId = (await RunAsync(bald.Client, bald.Group, new { })).GetProperty("jobId").GetString()!;

        var (_, stranger) = await TenantAsync("stranger");
        using (var job = await stranger.GetAsync($"/jobs/{jobId}"))
            Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
        await ProblemAsync(stranger.GetAsync($"/jobs/{jobId}/clusters"), HttpStatusCode.NotFound);
        await ProblemAsync(stranger.PostAsJsonAsync($"/groups/{bald.Group}/cluster", new { }), HttpStatusCode.NotFound);

        // A group of the same name in the stranger's tenant clusters the stranger's vectors only.
        await CreateGroup(stranger, bald.Group);
        var random = new Random(3);
        var centre = RandomUnit(random, 16);
        var own = new List<string>();
        for (var i = 0; i < 3; i++) own.Add(await StoreVector(stranger, bald.Group, centre));
        var theirs = (await RunAsync(stranger, bald.Group, new { })).GetProperty("jobId").GetString()!;
        var clustersOfStranger = await ClustersAsync(stranger, theirs);
        Assert.Equal(own.Order(StringComparer.Ordinal), Assert.Single(clustersOfStranger).Ids);
        await ProblemAsync(bald.Client.GetAsync($"/jobs/{theirs}/clusters"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Clusters_of_unknown_jobs_and_of_folder_imports_are_404()
    {
        var (_, client) = await TenantAsync("lookup");
        await CreateGroup(client, "photos");
        await ProblemAsync(client.GetAsync($"/jobs/{JobStore.NewJobId()}/clusters"), HttpStatusCode.NotFound);
        await ProblemAsync(client.GetAsync("/jobs/not-a-job/clusters"), HttpStatusCode.NotFound);

        // A folder import is a job, but not a cluster job (its FTP server is never reached: the worker refuses the
        // host).
        var ftpJob = await JobPolling.SubmitAsync(client, "/groups/photos/process-ftp-folder",
            new { host = "127.0.0.1", port = 2121, username = "u", password = "p", folderPath = "/" });
        await ProblemAsync(client.GetAsync($"/jobs/{ftpJob}/clusters"), HttpStatusCode.NotFound);
        var folderJob = await client.GetFromJsonAsync<JsonElement>($"/jobs/{ftpJob}");
        Assert.False(folderJob.TryGetProperty("clusterCount", out _));
    }

    [Fact]
    public async Task Invalid_requests_are_400_problems_and_queue_nothing()
    {
        var (tenant, client) = await TenantAsync("invalid");
        await CreateGroup(client, "people");
        async Task ExpectAsync(string path, object body, params string[] fields)
        {
            using var response = await client.PostAsJsonAsync(path, body);
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            foreach (var field in fields)
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _),
                    $"no error for {field}: {problem}");
        }
        await ExpectAsync("/groups/people/cluster", new { threshold = 1.5 }, "threshold");
        await ExpectAsync("/groups/people/cluster", new { threshold = -1.01 }, "threshold");
        await ExpectAsync("/groups/people/cluster", new { minClusterSize = 1 }, "minClusterSize");
        await ExpectAsync("/groups/people/cluster", new { writeMetadataKey = "not a key!" }, "writeMetadataKey");
        await ExpectAsync("/groups/people/cluster", new { writeMetadataKey = "source" }, "writeMetadataKey");
        await ExpectAsync("/groups/people/cluster", new { writeMetadataKey = "jobId" }, "writeMetadataKey");
        await ExpectAsync("/groups/people/cluster", new { threshold = 2, minClusterSize = 0, writeMetadataKey = "" },
            "threshold", "minClusterSize", "writeMetadataKey");
        await ExpectAsync("/groups/bad%20name/cluster", new { }, "groupName");
        using (var malformed = await client.PostAsync("/groups/people/cluster", RawJson("{\"threshold\": \"high\"}")))
            await ProblemAsync(malformed, HttpStatusCode.BadRequest);
        using (var missing = await client.PostAsJsonAsync("/groups/nobody-here/cluster", new { }))
            await ProblemAsync(missing, HttpStatusCode.NotFound);
        Assert.Equal(0, await fx.Redis.Db.SortedSetLengthAsync(JobKeys.Index(tenant)));

        // The bounds themselves are fine.
        await JobPolling.SubmitAsync(client, "/groups/people/cluster",
            new { threshold = -1, minClusterSize = 2, writeMetadataKey = "a.b-c_1" });
        await JobPolling.SubmitAsync(client, "/groups/people/cluster", new { threshold = 1 });

        var jobId = (await client.GetFromJsonAsync<JsonElement[]>("/jobs"))![0].GetProperty("jobId").GetString()!;
        await ProblemAsync(client.GetAsync($"/jobs/{jobId}/clusters?limit=0"), HttpStatusCode.BadRequest);
        await ProblemAsync(client.GetAsync($"/jobs/{jobId}/clusters?limit=1001"), HttpStatusCode.BadRequest);
        await ProblemAsync(client.GetAsync($"/jobs/{jobId}/clusters?after=-1"), HttpStatusCode.BadRequest);
    }
}
