using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Api;

/// <summary>Groups, keys and jobs write their timestamps in one shape: ISO-8601 UTC with milliseconds and Z.</summary>
[Collection(ApiCollection.Name)]
public sealed class TimestampFormatTests(ApiFixture fixture)
{
    private const string Shape = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";

    [Fact]
    public async Task Every_resource_writes_utc_timestamps_with_z()
    {
        using var client = await fixture.Factory.CreateTenantClientAsync("timestamps");
        (await client.PostAsync("/groups/when", null)).EnsureSuccessStatusCode();
        var groups = await client.GetFromJsonAsync<JsonElement>("/groups");
        Assert.Matches(Shape, groups[0].GetProperty("createdAt").GetString());

        using var admin = fixture.Factory.CreateAdminClient();
        var keys = await admin.GetFromJsonAsync<JsonElement>("/admin/keys");
        Assert.All(keys.EnumerateArray(), k => Assert.Matches(Shape, k.GetProperty("createdAt").GetString()));

        // No worker runs in this host, so the job stays queued and nothing is contacted.
        using var queued = await client.PostAsJsonAsync("/groups/when/process-ftp-folder",
            new { host = "ftp.invalid", username = "u", password = "p", folderPath = "/" });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var jobId = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString();
        var job = await client.GetFromJsonAsync<JsonElement>($"/jobs/{jobId}");
        Assert.Matches(Shape, job.GetProperty("createdAt").GetString());
        var jobs = await client.GetFromJsonAsync<JsonElement>("/jobs");
        Assert.Matches(Shape, jobs[0].GetProperty("createdAt").GetString());
    }
}
