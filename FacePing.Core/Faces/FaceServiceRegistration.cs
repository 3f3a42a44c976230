using FacePing.Core.Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FacePing.Core.Faces;

public static class FaceServiceRegistration
{
    /// <summary>
    /// <see cref="FaceService"/> with the inference client and the validated <see cref="FaceMatchOptions"/>; the
    /// store comes from <c>AddFacePingStore</c>. Transient, as the typed inference client it holds.
    /// </summary>
    public static IHostApplicationBuilder AddFaceService(this IHostApplicationBuilder builder)
    {
        builder.AddInferenceClient();
        builder.Services.AddOptions<FaceMatchOptions>().BindConfiguration(FaceMatchOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<FaceService>();
        return builder;
    }
}
