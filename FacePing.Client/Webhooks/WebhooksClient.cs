using FacePing.Client.Http;

namespace FacePing.Client;

/// <summary>The tenant's own callback signing secret.</summary>
public sealed class WebhooksClient
{
    private readonly ApiConnection _api;

    internal WebhooksClient(ApiConnection api) => _api = api;

    /// <summary>
    /// Gives your tenant a new signing secret, shown only in this answer; callbacks are signed with it from now on.
    /// </summary>
    public Task<WebhookSecretRotation> RotateSecretAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, "webhook-secret", null, Call.Creating,
            FacePingJson.Default.WebhookSecretRotation, cancellationToken);
}
