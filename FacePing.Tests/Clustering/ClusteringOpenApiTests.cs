using System.Net.Http.Json;
using System.Text.Json;

namespace FacePing.Tests.Clustering;

/// <summary>The cluster endpoints in the Api's OpenAPI document: operations, problems and examples.</summary>
[Collection(ClusteringCollection.Name)]
public sealed class ClusteringOpenApiTests(ClusteringFixture fx)
{
    [Fact]
    public async Task Both_endpoints_are_documented_with_examples_of_their_request_and_answers()
    {
        using var client = fx.Api.CreateClient();
        var paths = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        var cluster = paths.GetProperty("/groups/{groupName}/cluster").GetProperty("post");
        Assert.Equal("ClusterGroup", cluster.GetProperty("operationId").GetString());
        var request = Example(cluster.GetProperty("requestBody"));
        Assert.InRange(request.GetProperty("threshold").GetDouble(), -1, 1);
        Assert.True(request.GetProperty("minClusterSize").GetInt32() >= 2);
        Assert.False(string.IsNullOrEmpty(request.GetProperty("writeMetadataKey").GetString()));
        var accepted = Example(cluster.GetProperty("responses").GetProperty("202"));
        var jobId = accepted.GetProperty("jobId").GetString();
        Assert.Equal($"/jobs/{jobId}", accepted.GetProperty("statusUrl").GetString());
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        foreach (var status in new[] { "400", "401", "404" })
            Assert.True(cluster.GetProperty("responses").TryGetProperty(status, out _), status);

        var list = paths.GetProperty("/jobs/{jobId}/clusters").GetProperty("get");
        Assert.Equal("ListClusters", list.GetProperty("operationId").GetString());
        Assert.Equal(["jobId", "limit", "after"],
            list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var clusters = Example(list.GetProperty("responses").GetProperty("200")).EnumerateArray().ToArray();
        Assert.NotEmpty(clusters);
        for (var i = 0; i < clusters.Length; i++)
        {
            // Ids are ranks from 1, and every cluster's size is the number of its ids.
            Assert.Equal(i + 1, clusters[i].GetProperty("clusterId").GetInt32());
            Assert.Equal(clusters[i].GetProperty("size").GetInt32(), clusters[i].GetProperty("ids").GetArrayLength());
        }
        foreach (var status in new[] { "400", "404", "409" })
            Assert.True(list.GetProperty("responses").TryGetProperty(status, out _), status);
    }

    private static JsonElement Example(JsonElement bodyOrResponse) =>
        bodyOrResponse.GetProperty("content").GetProperty("application/json").GetProperty("example");
}
