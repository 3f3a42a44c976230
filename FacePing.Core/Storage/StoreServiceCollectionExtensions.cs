using FacePing.Core.Auth;
using FacePing.Core.Idempotency;
using FacePing.Core.Storage;
using FacePing.Core.Storage.Scan;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FaceStore"/>, <see cref="ApiKeyStore"/>, <see cref="IdempotencyStore"/> and
    /// <see cref="RedisDurability"/> (singletons, writes on their own <see cref="RedisWriteConnection"/>) with
    /// validated <see cref="VectorStoreOptions"/>, the start-up durability verdict (<see cref="DurabilityStartup"/>),
    /// the <c>redis</c> health check and the <see cref="VectorIndexer"/> that builds HNSW graphs behind the writes.
    /// Needs an <c>IConnectionMultiplexer</c> (e.g. <c>builder.AddRedisClient("redis")</c>) and
    /// <c>ConnectionStrings:redis</c>.
    /// </summary>
    public static IServiceCollection AddFacePingStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VectorStoreOptions>()
            .Bind(configuration.GetSection(VectorStoreOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new RedisWriteConnection(
            sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), configuration));
        services.AddSingleton<RedisDurability>();
        services.AddHostedService<DurabilityStartup>();
        services.AddSingleton<IdempotencyStore>();
        // /health says which Redis failure is going on (replaces the generic Redis ping check of the Aspire client).
        services.AddHealthChecks().AddCheck<RedisStoreHealthCheck>(RedisStoreHealthCheck.Name);
        services.AddSingleton<ScanIndex>();
        services.AddSingleton<FaceStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddHostedService<VectorIndexer>();
        return services;
    }
}
