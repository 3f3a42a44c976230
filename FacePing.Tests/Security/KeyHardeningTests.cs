using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Security;

/// <summary>
/// Issue 20 item 7 on keys: a revoked key's id cannot rotate its tenant's webhook secret, and key names are printable
/// text (no control, format or bidi-override characters).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class KeyHardeningTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_revoked_keys_id_cannot_rotate_the_webhook_secret()
    {
        using var admin = fixture.Factory.CreateAdminClient();
        var first = await CreateAsync(admin, new { name = "to revoke" });
        var tenant = first.GetProperty("tenantId").GetString()!;
        var active = await CreateAsync(admin, new { name = "active", tenantId = tenant });
        var id = first.GetProperty("id").GetString()!;
        using (var revoked = await admin.DeleteAsync($"/admin/keys/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var secretKey = $"{{t:{tenant}}}:webhook-secret";
        var before = (string?)await fixture.Redis.Db.StringGetAsync(secretKey);
        Assert.NotNull(before);

        using (var refused = await admin.PostAsync($"/admin/keys/{id}/webhook-secret", null))
        {
            var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.NotFound);
            Assert.Contains("revoked", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(before, (string?)await fixture.Redis.Db.StringGetAsync(secretKey));

        // The tenant's active key still rotates it.
        using var rotated = await admin.PostAsync(
            $"/admin/keys/{active.GetProperty("id").GetString()}/webhook-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(before, (string?)await fixture.Redis.Db.StringGetAsync(secretKey));
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("tab\there")]
    [InlineData("esc\u001b[31mred")]
    [InlineData("nul\u0000")]
    [InlineData("del\u007f")]
    [InlineData("c1\u0085next line")]
    [InlineData("invoice\u202egnp.exe")] // right-to-left override
    [InlineData("iso\u2067late")] // right-to-left isolate
    [InlineData("zero\u200bwidth")]
    [InlineData("bom\ufeff")]
    [InlineData("line\u2028sep")]
    [InlineData("private\ue000use")]
    public async Task Key_names_with_unprintable_characters_are_400_and_create_nothing(string name)
    {
        using var admin = fixture.Factory.CreateAdminClient();
        await Api.ApiTestData.WaitIndexerIdle(fixture.Redis.Db);
        var before = await fixture.Redis.Server.DatabaseSizeAsync();
        using var response = await admin.PostAsJsonAsync("/admin/keys", new { name });
        var problem = await ProblemAssert.IsValidation(response, "name");
        Assert.Contains("printable", problem.GetProperty("errors").GetProperty("name")[0].GetString());
        Assert.Equal(before, await fixture.Redis.Server.DatabaseSizeAsync());
    }

    [Fact]
    public async Task A_name_with_an_unpaired_surrogate_escape_is_400()
    {
        using var admin = fixture.Factory.CreateAdminClient();
        using var response = await admin.PostAsync("/admin/keys", ApiTestData.RawJson("""{"name":"lone\ud800"}"""));
        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("My app (production) #2")]
    [InlineData("Ünïcödé ☃ 😀")]
    [InlineData("תל אביב")] // right-to-left script itself is fine; only the override characters are refused
    [InlineData("東京\u3000オフィス")] // ideographic space
    [InlineData("e\u0301")] // combining mark
    public async Task Printable_names_of_any_script_are_accepted(string name)
    {
        using var admin = fixture.Factory.CreateAdminClient();
        var created = await CreateAsync(admin, new { name });
        Assert.Equal(name, created.GetProperty("name").GetString());
    }

    private static async Task<JsonElement> CreateAsync(HttpClient admin, object request)
    {
        using var response = await admin.PostAsJsonAsync("/admin/keys", request);
        return await ApiTestData.Json(response, HttpStatusCode.Created);
    }
}
