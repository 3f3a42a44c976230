using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using FacePing.Api.RateLimiting;
using FacePing.Contracts.Problems;
using FacePing.Core.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>: the configured admin key gets role "admin"; a tenant key found in Redis
/// gets the <see cref="FacePingClaims.Tenant"/> claim. Keys are looked up on every request, so a revocation is
/// effective at once. Failed attempts are counted per client address (<see cref="FailedAuthLimiter"/>); an address over
/// its budget is answered 429, except for keys that authenticated recently.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AdminKeyOptions> admin,
    ApiKeyStore keys,
    FailedAuthLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header.AsSpan(7).Trim().ToString()
            : null;
        if (key is { Length: > 0 and <= 256 } && IsAdminKey(key))
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"),
                new Claim(ClaimTypes.Role, FacePingClaims.AdminRole)], Scheme.Name);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
        }

        // A blocked address is answered before the Redis lookup: telling good keys from bad ones needs exactly the
        // lookup the block exists to spare. Two kinds of key still get through, both recognised in memory: the admin
        // key (above), and keys that authenticated in the last few minutes, so tenants sharing the address with a
        // guesser keep working. A key it has never seen from a blocked address waits out the Retry-After like the
        // guesser.
        var address = FailedAuthLimiter.Partition(Context.Connection.RemoteIpAddress);
        // Hashed once: the lookup and the limiter's memory of recently verified keys both go by the digest.
        var digest = key is { Length: > 0 and <= 256 } ? ApiKeyStore.Hash(key) : null;
        if (failures.RetryAfter(address) is { } wait && !(digest is not null && failures.WasVerifiedRecently(digest)))
            return AuthenticateResult.Fail(new AddressBlockedException(wait));

        if (key is null) return Failed(address, "The Authorization header is not a Bearer token.");
        if (digest is null) return Failed(address, "Malformed API key.");
        var found = await keys.FindByHashAsync(digest, Context.RequestAborted);
        if (found is not { } k) return Failed(address, "Unknown or revoked API key.");
        failures.RecordSuccess(digest);
        var tenant = new ClaimsIdentity([
            new Claim(ClaimTypes.Name, k.KeyId),
            new Claim(FacePingClaims.KeyId, k.KeyId),
            new Claim(FacePingClaims.Tenant, k.TenantId)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(tenant), Scheme.Name));
    }

    private AuthenticateResult Failed(string address, string reason)
    {
        failures.RecordFailure(address);
        return AuthenticateResult.Fail(reason);
    }

    private bool IsAdminKey(string key)
    {
        // Compare digests in constant time: no timing signal about how much of the admin key matched.
        Span<byte> a = stackalloc byte[32], b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(admin.CurrentValue.AdminKey), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // This handler's own result (computed once per request): the request features carry only successful ones.
        var failure = (await HandleAuthenticateOnceAsync()).Failure;
        if (failure is AddressBlockedException blocked)
        {
            await TooManyRequests.WriteAsync(Context, blocked.RetryAfter, blocked.Message.TrimEnd('.'));
            return;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        await Context.WriteProblemAsync(ProblemCatalogue.NotAuthenticated(failure?.Message));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Context.WriteProblemAsync(ProblemCatalogue.NotAllowed());
}
