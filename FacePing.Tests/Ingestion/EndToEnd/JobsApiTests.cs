using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Core.Jobs;

namespace FacePing.Tests.Ingestion.EndToEnd;

[Collection(IngestionCollection.Name)]
public sealed class JobsApiTests(IngestionFixture fx)
{
    private async Task<(HttpClient Client, string Tenant, string Group)> TenantWithGroupAsync()
    {
        var key = await fx.Api.CreateTenantAsync("jobs-api");
        var client = fx.Api.CreateClient(key.Key);
        var group = "g-" + Guid.NewGuid().ToString("N")[..8];
        (await client.PostAsync($"/groups/{group}", null)).EnsureSuccessStatusCode();
        return (client, key.TenantId, group);
    }

    private object Ftp(string? host = null, string? callbackUrl = null, string? email = null, string? password = "pw",
        string? folderPath = "/") => new
        {
            host = host ?? "127.0.0.1",
            port = fx.Ftp.Port,
            username = "someone",
            password,
            folderPath,
            notificationEmailAddress = email,
            callbackUrl,
        };

    private static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response,
        params string[] fields)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        foreach (var field in fields)
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        return problem;
    }

    [Theory]
    [InlineData("http://10.0.0.7/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://192.168.1.10:8080/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("ftp://example.com/hook")]
    [InlineData("not a url")]
    public async Task Callback_to_a_private_or_invalid_target_is_a_400_before_anything_is_queued(string callbackUrl)
    {
        var (client, tenant, group) = await TenantWithGroupAsync();
        using var response = await client.PostAsJsonAsync($"/groups/{group}/process-ftp-folder",
            Ftp(callbackUrl: callbackUrl));
        await AssertValidationProblemAsync(response, "callbackUrl");
        Assert.Equal(0, await fx.Redis.Db.SortedSetLengthAsync(JobKeys.Index(tenant)));
    }

    [Fact]
    public async Task Every_invalid_ftp_field_is_reported()
    {
        var (client, _, group) = await TenantWithGroupAsync();
        using var response = await client.PostAsJsonAsync($"/groups/{group}/process-ftp-folder",
            Ftp(host: "bad host!", email: "not-an-email", password: null, folderPath: "/a\r\nDELE x"));
        await AssertValidationProblemAsync(response, "host", "password", "notificationEmailAddress", "folderPath");
    }

    [Fact]
    public async Task Invalid_drive_requests_are_reported_per_field()
    {
        var (client, _, group) = await TenantWithGroupAsync();
        using var badKey = await client.PostAsJsonAsync($"/groups/{group}/process-drive-folder",
            new { folderId = "x' or name contains 'y", serviceAccountKey = """{"type":"authorized_user"}""" });
        var problem = await AssertValidationProblemAsync(badKey, "folderId", "serviceAccountKey");
        Assert.Contains("service_account",
            problem.GetProperty("errors").GetProperty("serviceAccountKey")[0].GetString());

        using var notJson = await client.PostAsJsonAsync($"/groups/{group}/process-drive-folder",
            new { folderId = "abc", serviceAccountKey = "{{{" });
        await AssertValidationProblemAsync(notJson, "serviceAccountKey");
    }

    [Fact]
    public async Task A_service_account_key_sent_as_an_object_is_accepted_and_unknown_groups_are_404()
    {
        var (client, _, group) = await TenantWithGroupAsync();
        var key = JsonDocument.Parse(fx.Drive.ServiceAccountKey()).RootElement;
        using var accepted = await client.PostAsJsonAsync($"/groups/{group}/process-drive-folder",
            new { folderId = "NoSuchFolder123", serviceAccountKey = key });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        using var missing = await client.PostAsJsonAsync("/groups/no-such-group/process-ftp-folder", Ftp());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unreadable_bodies_and_missing_keys_get_problems_not_500s()
    {
        var (client, _, group) = await TenantWithGroupAsync();
        using var content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var broken = await client.PostAsync($"/groups/{group}/process-ftp-folder", content);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);

        using var anonymous = fx.Api.CreateClient(key: null);
        using var unauthorized = await anonymous.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task Jobs_are_private_to_their_tenant_and_never_show_credentials()
    {
        var (owner, _, group) = await TenantWithGroupAsync();
        var jobId = await JobPolling.SubmitAsync(owner, $"/groups/{group}/process-ftp-folder",
            Ftp(password: "very-secret-pw"));
        var job = await owner.GetStringAsync($"/jobs/{jobId}");
        Assert.DoesNotContain("very-secret-pw", job);
        using var doc = JsonDocument.Parse(job);
        Assert.Equal(group, doc.RootElement.GetProperty("groupName").GetString());
        Assert.Equal("ftp", doc.RootElement.GetProperty("source").GetString());

        var (stranger, _, _) = await TenantWithGroupAsync();
        using var other = await stranger.GetAsync($"/jobs/{jobId}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement[]>("/jobs"))!);
        using var bogus = await owner.GetAsync("/jobs/..%2F..%2Fetc");
        Assert.Equal(HttpStatusCode.NotFound, bogus.StatusCode);

        await JobPolling.WaitForEndAsync(owner, jobId, TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("very-secret-pw", await owner.GetStringAsync("/jobs"));
    }
}
