using FacePing.Core.Auth;
using FacePing.Core.Storage;
using FacePing.Core.Storage.Scan;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FaceStore"/> and <see cref="ApiKeyStore"/> (singletons) with validated
    /// <see cref="VectorStoreOptions"/>. Needs an <c>IConnectionMultiplexer</c> (e.g. <c>builder.AddRedisClient("redis")</c>).
    /// </summary>
    public static IServiceCollection AddFacePingStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VectorStoreOptions>()
            .Bind(configuration.GetSection(VectorStoreOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ScanIndex>();
        services.AddSingleton<FaceStore>();
        services.AddSingleton<ApiKeyStore>();
        return services;
    }
}
