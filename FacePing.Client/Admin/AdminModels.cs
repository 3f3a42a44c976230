namespace FacePing.Client;

/// <summary>A tenant key as the admin list shows it (never the key itself).</summary>
public sealed record ApiKeyInfo(string Id, string Name, string TenantId, DateTimeOffset CreatedAt, bool Revoked);

/// <summary>
/// A new key, shown only in this answer; <see cref="WebhookSecret"/> is the tenant's callback signing secret when this
/// key created it (the tenant's first key), else null.
/// </summary>
public sealed record CreatedApiKey(string Id, string Name, string TenantId, string Key, string? WebhookSecret);

/// <summary>A tenant's new callback signing secret (<c>whsec_…</c>), shown only in this answer.</summary>
public sealed record WebhookSecretRotation(string TenantId, string WebhookSecret);
