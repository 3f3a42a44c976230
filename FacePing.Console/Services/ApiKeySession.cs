using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;

namespace FacePing.Console.Services;

/// <summary>
/// The key this circuit is signed in with. It is kept in the browser encrypted by the console's data-protection keys
/// (session storage, or local storage to be remembered), so a reload keeps the person signed in and the key is never
/// readable by the page's script or in the browser's storage.
/// </summary>
public sealed class ApiKeySession(ProtectedLocalStorage local, ProtectedSessionStorage session)
{
    private const string StorageName = "faceping-key";

    public string? Key { get; private set; }

    public KeyRole? Role { get; private set; }

    public bool IsAdmin => Role == KeyRole.Admin;

    public bool IsTenant => Role == KeyRole.Tenant;

    /// <summary>
    /// False until the browser's storage has been read; pages wait for it instead of redirecting to sign-in.
    /// </summary>
    public bool Loaded { get; private set; }

    public event Action? Changed;

    /// <summary>
    /// Reads the stored key once per circuit (browser storage needs JavaScript, so only once the circuit is up).
    /// </summary>
    public async Task LoadAsync()
    {
        if (Loaded) return;
        var stored = await ReadAsync(session) ?? await ReadAsync(local);
        if (stored is not null) (Key, Role) = (stored.Key, stored.Role);
        Loaded = true;
        Changed?.Invoke();
    }

    public async Task SignInAsync(string key, KeyRole role, bool remember)
    {
        await ForgetAsync();
        var stored = new StoredKey(key, role);
        if (remember) await local.SetAsync(StorageName, stored);
        else await session.SetAsync(StorageName, stored);
        (Key, Role, Loaded) = (key, role, true);
        Changed?.Invoke();
    }

    public async Task SignOutAsync()
    {
        await ForgetAsync();
        (Key, Role) = (null, null);
        Changed?.Invoke();
    }

    private async Task ForgetAsync()
    {
        await local.DeleteAsync(StorageName);
        await session.DeleteAsync(StorageName);
    }

    private static async Task<StoredKey?> ReadAsync(ProtectedBrowserStorage storage)
    {
        try
        {
            var result = await storage.GetAsync<StoredKey>(StorageName);
            return result.Success ? result.Value : null;
        }
        catch (CryptographicException)
        {
            // Written under data-protection keys this console no longer has (a new machine or container): the person
            // signs in again.
            await storage.DeleteAsync(StorageName);
            return null;
        }
    }

    private sealed record StoredKey(string Key, KeyRole Role);
}
