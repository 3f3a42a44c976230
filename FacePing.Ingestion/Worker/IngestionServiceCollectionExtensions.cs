using FacePing.Core.Auth;
using FacePing.Core.Clustering;
using FacePing.Core.Faces;
using FacePing.Core.Jobs;
using FacePing.Core.Jobs.Network;
using FacePing.Core.Secrets;
using FacePing.Ingestion.Drive;
using FacePing.Ingestion.Ftp;
using FacePing.Ingestion.Notifications;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FacePing.Ingestion.Worker;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>The worker, its clients and their options (validated at start-up).</summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<IngestionOptions>()
            .BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FtpClientOptions>().BindConfiguration(FtpClientOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.AllowedHosts.All(OutboundAddressGuard.IsValidAllowListEntry),
                "FacePing:Ftp:AllowedHosts has an entry that is neither a host name, an IP address nor a CIDR range.")
            .ValidateOnStart();
        services.AddOptions<DriveOptions>().BindConfiguration(DriveOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.BaseUrl.IsAbsoluteUri && o.BaseUrl.AbsolutePath.EndsWith('/'),
                "FacePing:Drive:BaseUrl must be an absolute URL ending in '/'.")
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>()
            .BindConfiguration(SmtpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallbackOptions>()
            .BindConfiguration(CallbackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeliveryOptions>()
            .BindConfiguration(DeliveryOptions.Section).ValidateDataAnnotations()
            // A lease shorter than one attempt would let another worker send a delivery still in flight.
            .Validate<IOptions<CallbackOptions>, IOptions<SmtpOptions>>(
                (o, callbacks, smtp) => o.Lease > callbacks.Value.Timeout + smtp.Value.Timeout,
                "FacePing:Deliveries:Lease must be longer than FacePing:Callbacks:Timeout plus FacePing:Smtp:Timeout.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddFacePingStore(builder.Configuration);
        services.AddSingleton<JobStore>();
        builder.AddSealedSecrets();
        builder.AddFaceService();
        // Drive calls are idempotent GETs (token, listing, download): the standard retries and circuit breaker suit
        // them.
        services.AddHttpClient<DriveClient>().AddStandardResilienceHandler();
        services.AddSingleton<CallbackSender>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<DeliveryQueue>();
        services.AddTransient<FolderSourceFactory>();
        services.AddTransient<JobProcessor>();
        // Cluster jobs (POST /groups/{g}/cluster) run on the same stream and worker.
        services.AddFacePingClustering();
        services.TryAddSingleton<Clustering.IClusterProgress, Clustering.JobHashProgress>();
        services.AddTransient<Clustering.ClusterJobRunner>();
        services.AddHostedService<IngestionWorker>();
        // Notifications leave the job slots: a slow or silent receiver holds only a delivery.
        services.AddHostedService<DeliveryWorker>();
        return builder;
    }
}
