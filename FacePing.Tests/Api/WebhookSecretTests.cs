using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Api;

/// <summary>
/// The tenant's callback signing secret: shown once when created with the tenant's first key, and rotatable.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookSecretTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_first_key_of_a_tenant_shows_its_secret_once_and_rotation_gives_a_new_one()
    {
        using var admin = fixture.Factory.CreateAdminClient();
        var first = await CreateKeyAsync(admin, new { name = "first" });
        var secret = first.GetProperty("webhookSecret").GetString();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret!["whsec_".Length..]).Length);

        // A second key of the same tenant does not show it again.
        var second = await CreateKeyAsync(admin,
            new { name = "second", tenantId = first.GetProperty("tenantId").GetString() });
        Assert.Equal(JsonValueKind.Null, second.GetProperty("webhookSecret").ValueKind);
        Assert.DoesNotContain(secret!, await admin.GetStringAsync("/admin/keys"));

        using var rotated = await admin.PostAsync($"/admin/keys/{first.GetProperty("id").GetString()}/webhook-secret",
            null);
        var body = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(first.GetProperty("tenantId").GetString(), body.GetProperty("tenantId").GetString());
        Assert.StartsWith("whsec_", body.GetProperty("webhookSecret").GetString());
        Assert.NotEqual(secret, body.GetProperty("webhookSecret").GetString());

        // The tenant can rotate its own, with its own key; the admin route stays admin-only.
        using var tenant = fixture.Factory.CreateClient(first.GetProperty("key").GetString());
        using (var own = await tenant.PostAsync("/webhook-secret", null))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.NotEqual(body.GetProperty("webhookSecret").GetString(),
                (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhookSecret").GetString());
        }
        using (var forbidden = await tenant.PostAsync(
            $"/admin/keys/{first.GetProperty("id").GetString()}/webhook-secret", null))
            await ProblemAssert.IsProblem(forbidden, HttpStatusCode.Forbidden);
        using (var missing = await admin.PostAsync("/admin/keys/no-such-key/webhook-secret", null))
            await ProblemAssert.IsProblem(missing, HttpStatusCode.NotFound);
    }

    private static async Task<JsonElement> CreateKeyAsync(HttpClient admin, object request)
    {
        using var response = await admin.PostAsJsonAsync("/admin/keys", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
