using FacePing.Core.Faces;

namespace FacePing.Api.Faces;

public static class FacesServiceExtensions
{
    /// <summary>The image endpoints' dependencies: the face service and the validated upload limits.</summary>
    public static IHostApplicationBuilder AddFaces(this IHostApplicationBuilder builder)
    {
        builder.AddFaceService();
        builder.Services.AddOptions<ImageLimitsOptions>().BindConfiguration(ImageLimitsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
