using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace FacePing.Console.Services;

/// <summary>What a key may do: manage keys (the admin key) or use its tenant's groups, faces and jobs.</summary>
public enum KeyRole { Admin, Tenant }

/// <summary>
/// The Api as the console uses it, one method per call, each sending the circuit's signed-in key. Every answer is an
/// <see cref="ApiResult{T}"/> (or a null problem): pages show a problem and go on, nothing throws at them.
/// </summary>
public sealed class FacePingApi(HttpClient http, ApiKeySession session)
{
    // Keys

    /// <summary>
    /// Who a key is, asked without signing in with it: the admin list answers 200 to the admin key, 403 to a tenant's.
    /// </summary>
    public async Task<(KeyRole? Role, ApiProblem? Problem)> CheckKeyAsync(string key,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/keys");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead,
                cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => (KeyRole.Admin, null),
                HttpStatusCode.Forbidden => (KeyRole.Tenant, null),
                _ => (null, await ApiProblem.ReadAsync(response, cancellationToken)),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, ApiProblem.Unreachable(e));
        }
    }

    public Task<ApiResult<List<KeyInfo>>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        SendAsync<List<KeyInfo>>(HttpMethod.Get, "/admin/keys", null, cancellationToken);

    public Task<ApiResult<CreatedKey>> CreateKeyAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<CreatedKey>(HttpMethod.Post, "/admin/keys", JsonContent.Create(new { name }), cancellationToken);

    public Task<ApiProblem?> RevokeKeyAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"/admin/keys/{Escape(id)}", null, cancellationToken);

    // Groups and stored vectors

    public Task<ApiResult<List<GroupInfo>>> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<List<GroupInfo>>(HttpMethod.Get, "/groups", null, cancellationToken);

    public Task<ApiResult<GroupInfo>> CreateGroupAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<GroupInfo>(HttpMethod.Post, $"/groups/{Escape(name)}", null, cancellationToken);

    public Task<ApiProblem?> DeleteGroupAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"/groups/{Escape(name)}", null, cancellationToken);

    public Task<ApiResult<List<string>>> ListVectorIdsAsync(string group, int limit, string? after,
        CancellationToken cancellationToken = default)
    {
        var query = $"?limit={Number(limit)}" + (after is null ? "" : $"&after={Escape(after)}");
        return SendAsync<List<string>>(HttpMethod.Get, $"/groups/{Escape(group)}/vectors{query}", null,
            cancellationToken);
    }

    public Task<ApiResult<StoredVector>> GetVectorAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<StoredVector>(HttpMethod.Get, $"/vectors/{Escape(id)}", null, cancellationToken);

    // Faces

    /// <summary>Every face of a photo, largest first, with its quality; nothing is stored.</summary>
    public Task<ApiResult<DetectResponse>> DetectFacesAsync(Photo photo,
        CancellationToken cancellationToken = default) =>
        SendAsync<DetectResponse>(HttpMethod.Post, "/faces/detect", Form(("image", photo)), cancellationToken);

    public Task<ApiResult<FaceComparison>> CompareFacesAsync(Photo first, Photo second,
        CancellationToken cancellationToken = default) =>
        SendAsync<FaceComparison>(HttpMethod.Post, "/faces/compare", Form(("Face1", first), ("Face2", second)),
            cancellationToken);

    public Task<ApiResult<List<SearchHit>>> SearchFacesAsync(string group, Photo photo, int topK,
        CancellationToken cancellationToken = default) =>
        SendAsync<List<SearchHit>>(HttpMethod.Post, $"/groups/{Escape(group)}/faces/search?topK={Number(topK)}",
            Form(("queryImage", photo)), cancellationToken);

    /// <summary>
    /// Every face of the photo (up to <paramref name="maxFaces"/>, largest first) searched in the group at once.
    /// </summary>
    public Task<ApiResult<IdentifyResponse>> IdentifyFacesAsync(string group, Photo photo, int topK, int maxFaces,
        CancellationToken cancellationToken = default) =>
        SendAsync<IdentifyResponse>(HttpMethod.Post,
            $"/groups/{Escape(group)}/faces/identify?topK={Number(topK)}&maxFaces={Number(maxFaces)}",
            Form(("image", photo)), cancellationToken);

    public Task<ApiResult<StoredFace>> StoreFaceAsync(string group, Photo photo,
        IEnumerable<KeyValuePair<string, string>> metadata, CancellationToken cancellationToken = default)
    {
        // The multipart upload takes its metadata as ?metadata[key]=value, as the original service did.
        var query = string.Join('&', metadata.Select(m => $"{Escape($"metadata[{m.Key}]")}={Escape(m.Value)}"));
        var path = $"/groups/{Escape(group)}/face" + (query.Length > 0 ? "?" + query : "");
        return SendAsync<StoredFace>(HttpMethod.Post, path, Form(("image", photo)), cancellationToken);
    }

    // Folder imports

    public Task<ApiResult<JobAccepted>> StartFtpImportAsync(string group, FtpImportRequest request,
        CancellationToken cancellationToken = default) =>
        SendAsync<JobAccepted>(HttpMethod.Post, $"/groups/{Escape(group)}/process-ftp-folder",
            JsonContent.Create(request), cancellationToken);

    public Task<ApiResult<JobAccepted>> StartDriveImportAsync(string group, DriveImportRequest request,
        CancellationToken cancellationToken = default) =>
        SendAsync<JobAccepted>(HttpMethod.Post, $"/groups/{Escape(group)}/process-drive-folder",
            JsonContent.Create(request), cancellationToken);

    public Task<ApiResult<List<Job>>> ListJobsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<List<Job>>(HttpMethod.Get, "/jobs", null, cancellationToken);

    public Task<ApiResult<Job>> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Get, $"/jobs/{Escape(jobId)}", null, cancellationToken);

    // Plumbing

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static MultipartFormDataContent Form(params (string Field, Photo Photo)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, photo) in parts)
        {
            var file = new ByteArrayContent(photo.Bytes);
            file.Headers.ContentType = MediaTypeHeaderValue.TryParse(photo.ContentType, out var type) ? type : null;
            form.Add(file, field, photo.FileName);
        }
        return form;
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content,
        CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            using var response = await SendRawAsync(method, path, content, cancellationToken);
            if (!response.IsSuccessStatusCode) return await ApiProblem.ReadAsync(response, cancellationToken);
            var value = await response.Content.ReadFromJsonAsync<T>(cancellationToken);
            return value is null ? ApiProblem.Local("The Api sent an empty answer", $"{method} {path}") : value;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return ApiProblem.Unreachable(e);
        }
        catch (System.Text.Json.JsonException)
        {
            return ApiProblem.Local("The Api sent an answer the console cannot read", $"{method} {path}");
        }
    }

    /// <summary>For calls whose success has no body (204): null when it worked.</summary>
    private async Task<ApiProblem?> SendAsync(HttpMethod method, string path, HttpContent? content,
        CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendRawAsync(method, path, content, cancellationToken);
            return response.IsSuccessStatusCode ? null : await ApiProblem.ReadAsync(response, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return ApiProblem.Unreachable(e);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (session.Key is { } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request, cancellationToken);
    }
}
