using FacePing.Client.Http;

namespace FacePing.Client;

/// <summary>Tenant keys, for a client signed in with the admin key.</summary>
public sealed class AdminClient
{
    private readonly ApiConnection _api;

    internal AdminClient(ApiConnection api) => _api = api;

    /// <summary>
    /// Creates a key: for a new tenant, or another key of <paramref name="tenantId"/> (rotating keys without
    /// downtime).
    /// </summary>
    public Task<CreatedApiKey> CreateKeyAsync(string name, string? tenantId = null,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, "admin/keys",
            Json.Content(new CreateKeyBody(name, tenantId), FacePingJson.Default.CreateKeyBody), Call.Creating,
            FacePingJson.Default.CreatedApiKey, cancellationToken);

    /// <summary>Every tenant key (never the keys themselves).</summary>
    public Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, "admin/keys", null, Call.Reading, FacePingJson.Default.IReadOnlyListApiKeyInfo,
            cancellationToken);

    /// <summary>Revokes a key; it stops working at once.</summary>
    public Task RevokeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, $"admin/keys/{Paths.Segment(keyId)}", null, Call.Reading,
            cancellationToken);

    /// <summary>Gives the key's tenant a new callback signing secret; callbacks are signed with it from now.</summary>
    public Task<WebhookSecretRotation> RotateWebhookSecretAsync(string keyId,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"admin/keys/{Paths.Segment(keyId)}/webhook-secret", null, Call.Creating,
            FacePingJson.Default.WebhookSecretRotation, cancellationToken);
}

internal sealed record CreateKeyBody(string Name, string? TenantId);
