using FacePing.Core.Inference;

namespace FacePing.Api.Faces;

public static class FacesServiceExtensions
{
    /// <summary>
    /// The image endpoints' dependencies: the inference client, the analyzer and their validated options.
    /// </summary>
    public static IHostApplicationBuilder AddFaces(this IHostApplicationBuilder builder)
    {
        builder.AddInferenceClient();
        builder.Services.AddTransient<FaceAnalyzer>();
        builder.Services.AddOptions<ImageLimitsOptions>().BindConfiguration(ImageLimitsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<FaceMatchOptions>().BindConfiguration(FaceMatchOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
