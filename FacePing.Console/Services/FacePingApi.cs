using System.Net;
using FacePing.Client;

namespace FacePing.Console.Services;

/// <summary>What a key may do: manage keys (the admin key) or use its tenant's groups, faces and jobs.</summary>
public enum KeyRole { Admin, Tenant }

/// <summary>
/// The Api as the pages use it: <see cref="FacePingClient"/> called with the circuit's signed-in key, every answer an
/// <see cref="ApiResult{T}"/> (or a null problem), so a page shows a problem and goes on; nothing throws at it.
/// </summary>
public sealed class FacePingApi(FacePingClient client, ApiKeySession session)
{
    private FacePingClient Api => client.WithApiKey(session.Key);

    // Keys

    /// <summary>
    /// Who a key is, asked without signing in with it: the admin list answers 200 to the admin key, 403 to a tenant's.
    /// </summary>
    public async Task<(KeyRole? Role, ApiProblem? Problem)> CheckKeyAsync(string key,
        CancellationToken cancellationToken = default)
    {
        var result = await CallAsync(c => c.WithApiKey(key).Admin.ListKeysAsync(cancellationToken));
        return result.Problem switch
        {
            null => (KeyRole.Admin, null),
            { Status: (int)HttpStatusCode.Forbidden } => (KeyRole.Tenant, null),
            var problem => (null, problem),
        };
    }

    public Task<ApiResult<IReadOnlyList<ApiKeyInfo>>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Admin.ListKeysAsync(cancellationToken));

    public Task<ApiResult<CreatedApiKey>> CreateKeyAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Admin.CreateKeyAsync(name, cancellationToken: cancellationToken));

    public Task<ApiProblem?> RevokeKeyAsync(string id, CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Admin.RevokeKeyAsync(id, cancellationToken));

    // Groups and stored vectors

    public Task<ApiResult<IReadOnlyList<GroupInfo>>> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Groups.ListAsync(cancellationToken));

    public Task<ApiResult<GroupInfo>> CreateGroupAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Groups.CreateAsync(name, cancellationToken));

    public Task<ApiProblem?> DeleteGroupAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Groups.DeleteAsync(name, cancellationToken));

    public Task<ApiResult<IReadOnlyList<string>>> ListVectorIdsAsync(string group, int limit, string? after,
        CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Groups.ListVectorIdsAsync(group, limit, after, cancellationToken));

    public Task<ApiResult<StoredVector>> GetVectorAsync(string id, CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Vectors.GetAsync(id, cancellationToken));

    // Faces

    /// <summary>Every face of a photo, largest first, with its quality; nothing is stored.</summary>
    public Task<ApiResult<DetectedFaces>> DetectFacesAsync(Photo photo,
        CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Faces.DetectAsync(Image(photo), cancellationToken));

    public Task<ApiResult<FaceComparison>> CompareFacesAsync(Photo first, Photo second,
        CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Faces.CompareAsync(Image(first), Image(second), cancellationToken));

    public Task<ApiResult<IReadOnlyList<SearchHit>>> SearchFacesAsync(string group, Photo photo, int topK,
        CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Faces.SearchAsync(group, Image(photo), new FaceSearchOptions { TopK = topK },
            cancellationToken));

    /// <summary>The photos the photo's largest face appears in, one row per photo, a page at a time.</summary>
    public Task<ApiResult<PhotoPage>> SearchPhotosAsync(string group, Photo photo, int limit, int offset,
        CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Faces.SearchPhotosAsync(group, Image(photo),
            new PhotoSearchOptions { Limit = limit, Offset = offset }, cancellationToken));

    /// <summary>
    /// Every face of the photo (up to <paramref name="maxFaces"/>, largest first) searched in the group at once.
    /// </summary>
    public Task<ApiResult<IdentifiedFaces>> IdentifyFacesAsync(string group, Photo photo, int topK, int maxFaces,
        CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Faces.IdentifyAsync(group, Image(photo),
            new IdentifyOptions { TopK = topK, MaxFaces = maxFaces }, cancellationToken));

    public Task<ApiResult<StoredFace>> StoreFaceAsync(string group, Photo photo,
        IEnumerable<KeyValuePair<string, string>> metadata, CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Faces.StoreAsync(group, Image(photo),
            new StoreFaceOptions { Metadata = new Dictionary<string, string>(metadata) }, cancellationToken));

    // Folder imports

    public Task<ApiResult<JobAccepted>> StartFtpImportAsync(string group, FtpImport request,
        CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Jobs.StartFtpImportAsync(group, request, cancellationToken));

    public Task<ApiResult<JobAccepted>> StartDriveImportAsync(string group, DriveImport request,
        CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Jobs.StartDriveImportAsync(group, request, cancellationToken));

    public Task<ApiResult<IReadOnlyList<Job>>> ListJobsAsync(CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Jobs.ListAsync(cancellationToken: cancellationToken));

    public Task<ApiResult<Job>> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        CallAsync(c => c.Jobs.GetAsync(jobId, cancellationToken));

    // Plumbing

    private static FaceImage Image(Photo photo) => FaceImage.FromBytes(photo.Bytes, photo.FileName, photo.ContentType);

    private async Task<ApiResult<T>> CallAsync<T>(Func<FacePingClient, Task<T>> call) where T : class
    {
        try
        {
            return await call(Api);
        }
        catch (Exception e) when (ApiProblem.From(e) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>For calls whose success has no body (204): null when it worked.</summary>
    private async Task<ApiProblem?> CallAsync(Func<FacePingClient, Task> call)
    {
        try
        {
            await call(Api);
            return null;
        }
        catch (Exception e) when (ApiProblem.From(e) is { } problem)
        {
            return problem;
        }
    }
}
