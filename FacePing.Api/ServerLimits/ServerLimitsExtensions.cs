using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace FacePing.Api.ServerLimits;

public static class ServerLimitsExtensions
{
    /// <summary>Applies <see cref="ServerLimitsOptions"/> to Kestrel (validated at start-up).</summary>
    public static IServiceCollection AddFacePingServerLimits(this IServiceCollection services,
        IConfiguration configuration)
    {
        services.AddOptions<ServerLimitsOptions>()
            .Bind(configuration.GetSection(ServerLimitsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerLimitsOptions>>((kestrel, settings) =>
        {
            var o = settings.Value;
            kestrel.AddServerHeader = false;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(o.RequestHeadersTimeoutSeconds);
            kestrel.Limits.MinRequestBodyDataRate =
                new MinDataRate(o.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(o.BodyGracePeriodSeconds));
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(o.KeepAliveTimeoutSeconds);
            kestrel.Limits.MaxConcurrentConnections = o.MaxConcurrentConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = o.MaxConcurrentConnections;
            RequestHeadLimits.ApplyCeilings(kestrel.Limits);
        });
        return services;
    }
}
