using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Jobs;

namespace FacePing.Tests.Ingestion.EndToEnd;

public static class JobPolling
{
    /// <summary>Polls <c>GET /jobs/{id}</c> until the job is completed or failed.</summary>
    public static async Task<JsonElement> WaitForEndAsync(HttpClient client, string jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement job = default;
        while (DateTime.UtcNow < deadline)
        {
            job = await client.GetFromJsonAsync<JsonElement>($"/jobs/{jobId}");
            if (job.GetProperty("status").GetString() is "completed" or "failed") return job;
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {jobId} did not end: {job}");
    }

    /// <summary>
    /// Polls <c>GET /jobs/{id}</c> until <paramref name="condition"/> holds; a 503 while Redis fails over is waited
    /// out.
    /// </summary>
    public static async Task<JsonElement> WaitUntilAsync(HttpClient client, string jobId,
        Func<JsonElement, bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync($"/jobs/{jobId}");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, last);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var job = JsonDocument.Parse(last[4..]).RootElement;
                if (condition(job)) return job;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the job did not get there within {limit}: {last}");
    }

    public static async Task<string> SubmitAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        var jobId = doc.RootElement.GetProperty("jobId").GetString()!;
        Assert.Equal("queued", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal($"/jobs/{jobId}", doc.RootElement.GetProperty("statusUrl").GetString());
        Assert.Equal($"/jobs/{jobId}", response.Headers.Location?.OriginalString);
        return jobId;
    }

    /// <summary>
    /// Asserts that an FTP job over the folder root ended completed with every one of <paramref name="names"/> stored
    /// once in <paramref name="group"/>, under the ids the worker derives, and nothing else.
    /// </summary>
    public static async Task AssertStoredEveryPhotoAsync(HttpClient client, JsonElement done, string tenantId,
        string group, IReadOnlyList<string> names)
    {
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(names.Count, done.GetProperty("totalFiles").GetInt32());
        Assert.Equal(names.Count, done.GetProperty("processed").GetInt32());
        Assert.Equal(names.Count, done.GetProperty("successCount").GetInt32());
        Assert.Empty(done.GetProperty("failed").EnumerateArray());
        var ids = await client.GetFromJsonAsync<string[]>($"/groups/{group}/vectors");
        var expected = names.Select(n => IngestedVectorId.For(tenantId, group, "ftp", "/" + n))
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, ids);
    }
}
