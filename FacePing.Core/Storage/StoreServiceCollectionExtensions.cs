using FacePing.Core.Auth;
using FacePing.Core.Storage;
using FacePing.Core.Storage.Scan;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FaceStore"/>, <see cref="ApiKeyStore"/> and <see cref="RedisDurability"/> (singletons) with
    /// validated <see cref="VectorStoreOptions"/>, and the <c>redis</c> health check. Needs an
    /// <c>IConnectionMultiplexer</c> (e.g. <c>builder.AddRedisClient("redis")</c>).
    /// </summary>
    public static IServiceCollection AddFacePingStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VectorStoreOptions>()
            .Bind(configuration.GetSection(VectorStoreOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RedisDurability>();
        // /health says which Redis failure is going on (replaces the generic Redis ping check of the Aspire client).
        services.AddHealthChecks().AddCheck<RedisStoreHealthCheck>(RedisStoreHealthCheck.Name);
        services.AddSingleton<ScanIndex>();
        services.AddSingleton<FaceStore>();
        services.AddSingleton<ApiKeyStore>();
        return services;
    }
}
