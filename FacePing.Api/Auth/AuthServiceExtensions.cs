using System.Security.Claims;
using FacePing.Core.Auth;
using Microsoft.AspNetCore.Authentication;

namespace FacePing.Api.Auth;

public static class AuthServiceExtensions
{
    /// <summary>API-key authentication and the tenant/admin policies.</summary>
    public static IServiceCollection AddFacePingAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminKeyOptions>()
            .Bind(configuration.GetSection(AdminKeyOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddAuthentication(FacePingPolicies.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(FacePingPolicies.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(FacePingPolicies.Tenant, p => p.RequireAuthenticatedUser().RequireClaim(FacePingClaims.Tenant))
            .AddPolicy(FacePingPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(FacePingClaims.AdminRole));
        return services;
    }

    /// <summary>
    /// The caller's tenant id (endpoints behind <see cref="FacePingPolicies.Tenant"/> always have one).
    /// </summary>
    public static string Tenant(this ClaimsPrincipal user) =>
        user.FindFirstValue(FacePingClaims.Tenant)
            ?? throw new InvalidOperationException("No tenant claim: is the endpoint behind the tenant policy?");
}
