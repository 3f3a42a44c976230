using Microsoft.AspNetCore.DataProtection;

namespace FacePing.Core.Secrets;

/// <summary>
/// Seals the secrets FacePing keeps in Redis (FTP passwords, Drive service-account keys, webhook signing secrets) with
/// ASP.NET Core Data Protection (authenticated encryption, keys in a key ring outside Redis that rolls every 90 days
/// and keeps old keys for unsealing). Each value is bound to its tenant and use, so a sealed value copied under
/// another tenant's key does not open. Anyone reading Redis or its backups sees only <see cref="Prefix"/> + ciphertext.
/// </summary>
public sealed class SecretSealer(IDataProtectionProvider provider)
{
    /// <summary>Marks a sealed value; anything else was stored in clear by a version before sealing.</summary>
    public const string Prefix = "sealed:v1:";

    private readonly IDataProtector _root = provider.CreateProtector("FacePing.Secrets.v1");

    public string Seal(string tenant, string use, string clear) =>
        Prefix + For(tenant, use).Protect(clear);

    /// <summary>
    /// The clear text of a stored value; <paramref name="wasClear"/> says it was stored unsealed (by an older
    /// version), so the caller can seal it now.
    /// </summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// Sealed with a key this service does not hold (a key ring not shared), or tampered with.
    /// </exception>
    public string Unseal(string tenant, string use, string stored, out bool wasClear)
    {
        wasClear = !stored.StartsWith(Prefix, StringComparison.Ordinal);
        return wasClear ? stored : For(tenant, use).Unprotect(stored[Prefix.Length..]);
    }

    private IDataProtector For(string tenant, string use) => _root.CreateProtector(use, tenant);
}
