using System.Net.Http.Headers;
using System.Net.Http.Json;
using FacePing.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FacePing.Tests.Infrastructure;

/// <summary>
/// The real Api in-process (TestServer) against a real Redis. Extra configuration (for example
/// <c>services:inference:http:0</c> pointing at an inference server) is applied as host settings, so it is visible
/// while Program.cs builds its services.
/// </summary>
public sealed class ApiFactory(string redisConnectionString, IReadOnlyDictionary<string, string?>? settings = null,
    Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<ApiEntryPoint>
{
    public const string AdminKey = "test-admin-key-5f0c2a9e8d7b6c4a";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        builder.UseSetting("FacePing:AdminKey", AdminKey);
        configure?.Invoke(builder);
        if (settings is null) return;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>
    /// A client that sends <paramref name="key"/> as its bearer token (null: no Authorization header).
    /// </summary>
    public HttpClient CreateClient(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient CreateAdminClient() => CreateClient(AdminKey);

    /// <summary>Creates a key for a new tenant (or <paramref name="tenantId"/>) through the admin API.</summary>
    public async Task<TenantKey> CreateTenantAsync(string name = "test", string? tenantId = null)
    {
        await this.StartAsync();
        using var admin = CreateAdminClient();
        using var response = await admin.PostAsJsonAsync("/admin/keys", new { name, tenantId });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<TenantKey>()
            ?? throw new InvalidOperationException("empty key response");
        return created;
    }

    /// <summary>An HttpClient for a brand-new tenant.</summary>
    public async Task<HttpClient> CreateTenantClientAsync(string name = "test") =>
        CreateClient((await CreateTenantAsync(name)).Key);
}

public sealed record TenantKey(string Id, string Name, string TenantId, string Key, string? WebhookSecret = null);

/// <summary>One Redis 8 and one Api host shared by a test collection (start-up costs once, not per test).</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public ApiFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Factory = new ApiFactory(Redis.ConnectionString);
        await Factory.StartAsync(); // start now, so the first test does not pay for it inside its own timing
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "Api";
}
