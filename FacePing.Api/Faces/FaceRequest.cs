using System.Security.Claims;
using FacePing.Api.Auth;
using FacePing.Core.Faces;
using FacePing.Core.Storage;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Faces;

/// <summary>What every image endpoint takes, bound as one parameter (<c>[AsParameters]</c>).</summary>
public readonly record struct FaceRequest(
    HttpContext Context,
    ClaimsPrincipal User,
    FaceService Faces,
    IOptions<ImageLimitsOptions> Limits,
    CancellationToken CancellationToken)
{
    /// <summary>
    /// The image in the form part or JSON property <paramref name="field"/>, within the upload limit.
    /// </summary>
    public Task<ImageUpload> ReadImageAsync(string field) =>
        FaceImageReader.ReadOneAsync(Context, field, Limits.Value.MaxUploadBytes, CancellationToken);

    /// <summary>The image in the multipart file part <paramref name="field"/>, within the upload limit.</summary>
    public Task<ImageUpload> ReadFormImageAsync(string field) =>
        FaceImageReader.ReadFormImageAsync(Context, field, Limits.Value.MaxUploadBytes, CancellationToken);

    /// <summary>The caller's group, read once before any image work (404 when it is missing).</summary>
    public Task<GroupHead> OpenGroupAsync(string groupName) =>
        Faces.OpenGroupAsync(User.Tenant(), groupName, CancellationToken);
}
