using FacePing.Core.Storage;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Faces;

/// <summary>What the image endpoints need, injected as one parameter ([AsParameters]).</summary>
public readonly record struct FaceServices(
    FaceAnalyzer Analyzer,
    FaceStore Store,
    IOptions<ImageLimitsOptions> Limits,
    IOptions<FaceMatchOptions> Match)
{
    public long MaxUploadBytes => Limits.Value.MaxUploadBytes;
}
