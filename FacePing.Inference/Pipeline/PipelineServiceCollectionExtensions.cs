using FacePing.Inference.Admission;
using FacePing.Inference.Decoding;
using FacePing.Inference.Detection;
using FacePing.Inference.Embedding;
using FacePing.Inference.Health;
using FacePing.Inference.Landmarks;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using FacePing.Inference.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace FacePing.Inference.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>Options (validated at start-up), the shared model sessions and the pipeline stages.</summary>
    public static IHostApplicationBuilder AddFacePipeline(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ModelOptions>()
            .BindConfiguration(ModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ModelOptionsSetup>();
        services.AddSingleton<IPostConfigureOptions<ModelOptions>>(sp => sp.GetRequiredService<ModelOptionsSetup>());
        services.AddSingleton<IValidateOptions<ModelOptions>>(sp => sp.GetRequiredService<ModelOptionsSetup>());
        services.AddOptions<ImageOptions>()
            .BindConfiguration(ImageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ImageOptions>>((kestrel, images) =>
            kestrel.Limits.MaxRequestBodySize = images.Value.MaxBytes);

        services.AddSingleton<FaceModels>();
        services.AddSingleton<ImageDecoder>();
        services.AddSingleton<PixelAdmission>();
        services.AddSingleton<YuNetDetector>();
        services.AddSingleton<LandmarkDetector>();
        services.AddSingleton<FaceEmbedder>();
        services.AddMetrics();
        services.AddSingleton<InferenceTelemetry>();
        services.AddSingleton<FacePipeline>();
        services.AddHostedService<PipelineWarmup>();
        services.AddHealthChecks().AddCheck<ModelsHealthCheck>("models");
        return builder;
    }
}
