using Microsoft.Extensions.DependencyInjection;

namespace FacePing.Core.Clustering;

public static class ClusteringRegistration
{
    /// <summary>
    /// The validated <see cref="ClusteringOptions"/> and the results store: the Api starts cluster jobs and lists
    /// their clusters, the worker runs them.
    /// </summary>
    public static IServiceCollection AddFacePingClustering(this IServiceCollection services)
    {
        services.AddOptions<ClusteringOptions>().BindConfiguration(ClusteringOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ClusterResults>();
        return services;
    }
}
