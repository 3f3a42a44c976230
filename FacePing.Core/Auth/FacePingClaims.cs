namespace FacePing.Core.Auth;

/// <summary>Claim types FacePing's authentication handler puts on a caller's principal.</summary>
public static class FacePingClaims
{
    /// <summary>The tenant a tenant key belongs to; every data endpoint scopes by it.</summary>
    public const string Tenant = "faceping:tenant";

    /// <summary>The id of the API key used (not the key itself), for logs and audits.</summary>
    public const string KeyId = "faceping:key";

    /// <summary>Role carried by the configured admin key.</summary>
    public const string AdminRole = "admin";
}
