using FacePing.Core.Auth;
using FacePing.Core.Jobs;
using FacePing.Core.Jobs.Network;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Jobs;

public static class JobsServiceExtensions
{
    /// <summary>Job storage and its per-tenant bounds, the callback guard and the callback signing secrets.</summary>
    public static IServiceCollection AddFacePingJobs(this IServiceCollection services)
    {
        services.AddOptions<JobsOptions>()
            .BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallbackOptions>()
            .BindConfiguration(CallbackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<JobStore>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton(sp =>
            new OutboundAddressGuard(sp.GetRequiredService<IOptions<CallbackOptions>>().Value.AllowedHosts));
        return services;
    }
}
