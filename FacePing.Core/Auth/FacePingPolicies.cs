namespace FacePing.Core.Auth;

/// <summary>Authorization policy names for <c>RequireAuthorization(...)</c> on endpoint groups.</summary>
public static class FacePingPolicies
{
    /// <summary>Any tenant key (the caller has a <see cref="FacePingClaims.Tenant"/> claim).</summary>
    public const string Tenant = "faceping-tenant";

    /// <summary>Only the admin key from configuration <c>FacePing:AdminKey</c>.</summary>
    public const string Admin = "faceping-admin";

    /// <summary>The authentication scheme: <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public const string Scheme = "ApiKey";
}
