using System.Security.Claims;
using FacePing.Api.Auth;
using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Api.Validation;
using FacePing.Contracts.Problems;
using FacePing.Core.Auth;
using FacePing.Core.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FacePing.Api.Admin;

public sealed record CreateKeyRequest(string? Name, string? TenantId = null);

/// <param name="WebhookSecret">
/// The tenant's callback signing secret, shown only when this key created the tenant's secret.
/// </param>
public sealed record CreateKeyResponse(string Id, string Name, string TenantId, string Key, string? WebhookSecret);

public sealed record WebhookSecretResponse(string TenantId, string WebhookSecret);

public sealed record KeyResponse(string Id, string Name, string TenantId, DateTime CreatedAt, bool Revoked);

/// <summary>Tenant API keys, for the admin key only.</summary>
public static class KeysApi
{
    public const int MaxNameLength = 200;

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/admin/keys").WithTags("Admin").RequireAuthorization(FacePingPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/", CreateKey).WithName("CreateKey").WithIdempotency().WithJsonBodyLimit(64 * 1024)
            .WithSummary("Create a tenant key (a new tenant unless tenantId is given); " +
                "the key is shown only in this answer")
            .WithDescription(
                "Give tenantId (an existing tenant's id) to add a second key to that tenant, e.g. " +
                "to rotate keys without downtime. Keys carry 256 random bits; only their SHA-256 is stored.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/", ListKeys).WithName("ListKeys").WithSummary("All tenant keys (never the keys themselves)");
        api.MapDelete("/{id}", RevokeKey).WithName("RevokeKey").WithSummary("Revoke a key; it stops working at once")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/webhook-secret", RotateWebhookSecret).WithName("RotateWebhookSecret")
            .WithSummary("Give the key's tenant a new callback signing secret, shown only in this answer")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/webhook-secret", RotateOwnWebhookSecret)
            .WithTags("Jobs").RequireAuthorization(FacePingPolicies.Tenant)
            .WithName("RotateOwnWebhookSecret")
            .WithSummary("Give your tenant a new callback signing secret (Standard Webhooks), " +
                "shown only in this answer")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    public static async Task<Results<Created<CreateKeyResponse>, ValidationProblem>> CreateKey(
        CreateKeyRequest request, ApiKeyStore keys, WebhookSecrets secrets, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            errors["name"] = [$"A name of 1–{MaxNameLength} characters is required."];
        else if (!PrintableText.IsPrintable(name)) errors["name"] = [$"Key names are {PrintableText.Rule}."];
        if (request.TenantId is not null && !Names.IsValidName(request.TenantId))
            errors["tenantId"] = [$"Tenant ids are {Names.NameRule}."];
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        var created = await keys.CreateAsync(name!, request.TenantId, cancellationToken);
        var secret = await secrets.CreateIfMissingAsync(created.TenantId, cancellationToken);
        return TypedResults.Created($"/admin/keys/{created.Id}",
            new CreateKeyResponse(created.Id, created.Name, created.TenantId, created.Key, secret));
    }

    public static async Task<Ok<IEnumerable<KeyResponse>>> ListKeys(ApiKeyStore keys,
        CancellationToken cancellationToken)
    {
        var all = await keys.ListAsync(cancellationToken);
        return TypedResults.Ok(all.Select(k =>
            new KeyResponse(k.Id, k.Name, k.TenantId, k.CreatedAt.UtcDateTime, k.Revoked)));
    }

    public static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> RotateWebhookSecret(
        string id, ApiKeyStore keys, WebhookSecrets secrets, CancellationToken cancellationToken)
    {
        var key = (await keys.ListAsync(cancellationToken)).FirstOrDefault(k => k.Id == id);
        if (key is null) return ProblemCatalogue.KeyNotFound(id).ToResult();
        // A revoked key no longer speaks for its tenant; its id must not change the tenant's secret either.
        if (key.Revoked) return ProblemCatalogue.KeyRevoked(id).ToResult();
        return TypedResults.Ok(new WebhookSecretResponse(key.TenantId,
            await secrets.RotateAsync(key.TenantId, cancellationToken)));
    }

    public static async Task<Ok<WebhookSecretResponse>> RotateOwnWebhookSecret(
        ClaimsPrincipal user, WebhookSecrets secrets, CancellationToken cancellationToken)
    {
        var tenant = user.Tenant();
        return TypedResults.Ok(new WebhookSecretResponse(tenant, await secrets.RotateAsync(tenant, cancellationToken)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, ApiKeyStore keys,
        CancellationToken cancellationToken) =>
        await keys.RevokeAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : ProblemCatalogue.KeyNotFound(id).ToResult();
}
