using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace FacePing.Ingestion.Drive;

/// <summary>
/// The three Drive v3 REST calls ingestion needs (Google.Apis.Drive.v3 is not available): folder check, listing of
/// the images directly in a folder (with paging and shared drives) and <c>alt=media</c> download.
/// </summary>
public sealed class DriveClient(HttpClient http, IOptions<DriveOptions> options)
{
    public const string FolderMimeType = "application/vnd.google-apps.folder";
    private const string ListFields = "nextPageToken,files(id,name,mimeType,size,md5Checksum,modifiedTime)";
    private readonly DriveOptions _options = options.Value;

    /// <summary>
    /// Checks that <paramref name="folderId"/> exists, is visible to the account and is a folder; returns its name.
    /// </summary>
    public async Task<string> GetFolderNameAsync(DriveTokenSource tokens, string folderId,
        CancellationToken cancellationToken)
    {
        using var doc = await GetJsonAsync(tokens,
            $"files/{Uri.EscapeDataString(folderId)}?fields=id,name,mimeType&supportsAllDrives=true",
            $"folder '{folderId}'", cancellationToken);
        var root = doc.RootElement;
        var mimeType = root.TryGetProperty("mimeType", out var m) ? m.GetString() : null;
        if (mimeType != FolderMimeType)
            throw new DriveException($"Drive item '{folderId}' is not a folder ({mimeType}).", 400);
        return root.TryGetProperty("name", out var n) ? n.GetString() ?? folderId : folderId;
    }

    /// <summary>Every non-trashed image directly in the folder, across all pages.</summary>
    public async Task<IReadOnlyList<DriveFile>> ListImagesAsync(DriveTokenSource tokens, string folderId,
        CancellationToken cancellationToken)
    {
        var query = Uri.EscapeDataString($"'{folderId}' in parents and trashed = false and mimeType contains 'image/'");
        var files = new List<DriveFile>();
        string? pageToken = null;
        do
        {
            var path = $"files?q={query}&fields={Uri.EscapeDataString(ListFields)}&pageSize={_options.PageSize}"
                + "&supportsAllDrives=true&includeItemsFromAllDrives=true"
                + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
            using var doc = await GetJsonAsync(tokens, path, $"listing of folder '{folderId}'", cancellationToken);
            if (doc.RootElement.TryGetProperty("files", out var page))
            {
                foreach (var file in page.EnumerateArray())
                {
                    var id = file.GetProperty("id").GetString()!;
                    var name = file.TryGetProperty("name", out var n) ? n.GetString() ?? id : id;
                    var mime = file.TryGetProperty("mimeType", out var m) ? m.GetString() ?? "" : "";
                    long? size = file.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.String
                        && long.TryParse(s.GetString(), out var v) ? v : null;
                    files.Add(new DriveFile(id, name, mime, size));
                    if (files.Count > _options.MaxFiles)
                        throw new DriveException($"The Drive folder has more than {_options.MaxFiles} images.");
                }
            }
            pageToken = doc.RootElement.TryGetProperty("nextPageToken", out var next) ? next.GetString() : null;
        }
        while (!string.IsNullOrEmpty(pageToken));
        return files;
    }

    /// <summary>Downloads a file's content; more than <see cref="DriveOptions.MaxFileBytes"/> is an error.</summary>
    public async Task<byte[]> DownloadAsync(DriveTokenSource tokens, DriveFile file,
        CancellationToken cancellationToken)
    {
        if (file.Size > _options.MaxFileBytes)
            throw new DriveException($"'{file.Name}' is larger than the {_options.MaxFileBytes} byte limit.");
        using var request = await RequestAsync(tokens,
            $"files/{Uri.EscapeDataString(file.Id)}?alt=media&supportsAllDrives=true", cancellationToken);
        using var response = await SendAsync(request, $"download of '{file.Name}'", cancellationToken);
        if (response.Content.Headers.ContentLength > _options.MaxFileBytes)
            throw new DriveException($"'{file.Name}' is larger than the {_options.MaxFileBytes} byte limit.");
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await Sources.BoundedDownload.ReadAsync(
            (memory, ct) => stream.ReadAsync(memory, ct).AsTask(),
            response.Content.Headers.ContentLength ?? file.Size, _options.MaxFileBytes,
            () => new DriveException($"'{file.Name}' is larger than the {_options.MaxFileBytes} byte limit."),
            cancellationToken);
    }

    private async Task<JsonDocument> GetJsonAsync(DriveTokenSource tokens, string path, string what,
        CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(tokens, path, cancellationToken);
        using var response = await SendAsync(request, what, cancellationToken);
        try
        {
            return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), default,
                cancellationToken);
        }
        catch (JsonException e)
        {
            throw new DriveException($"Google Drive sent an unreadable answer for the {what}.",
                (int)response.StatusCode, e);
        }
    }

    private async Task<HttpRequestMessage> RequestAsync(DriveTokenSource tokens, string path,
        CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            await tokens.GetTokenAsync(cancellationToken));
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        // Timeouts come as TaskCanceledException (HttpClient) or the resilience handler's own exceptions (its attempt
        // timeout, its open circuit).
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
                                  && e is HttpRequestException or TaskCanceledException or TimeoutException
                                      or Polly.Timeout.TimeoutRejectedException
                                      or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new DriveException($"Google Drive cannot be reached for the {what}: {e.Message}", null, e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw new DriveException(await DescribeErrorAsync(response, what, cancellationToken),
                (int)response.StatusCode);
        }
    }

    /// <summary>
    /// Google's error shape <c>{"error":{"code","message","errors":[{"reason",...}]}}</c> as one readable sentence.
    /// </summary>
    private static async Task<string> DescribeErrorAsync(HttpResponseMessage response, string what,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? message = null;
        string? reason = null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken),
                default, cancellationToken);
            if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                if (error.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                    && errors.GetArrayLength() > 0
                    && errors[0].TryGetProperty("reason", out var r))
                    reason = r.GetString();
            }
        }
        catch (JsonException)
        {
            // Not Google's JSON (a proxy's HTML page): the status says enough.
        }
        var hint = status switch
        {
            (int)HttpStatusCode.NotFound =>
                " Check the id and that the folder is shared with the service account's e-mail address.",
            (int)HttpStatusCode.Forbidden =>
                " The service account has no access (share the folder with its e-mail address).",
            _ => "",
        };
        return $"Google Drive refused the {what}: {message ?? response.ReasonPhrase} " +
            $"(HTTP {status}{(reason is null ? "" : ", " + reason)}).{hint}";
    }
}
