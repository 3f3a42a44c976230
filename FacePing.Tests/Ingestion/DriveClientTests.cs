using System.Security.Cryptography;
using FacePing.Core.Jobs;
using FacePing.Ingestion.Drive;
using FacePing.Tests.Ingestion.Fakes;
using Microsoft.Extensions.Options;

namespace FacePing.Tests.Ingestion;

public sealed class DriveClientTests : IAsyncLifetime
{
    private const string FolderId = "1FolderAbc_-xyz";
    private readonly IngestFolder _folder = new();
    private FakeGoogleDrive _drive = null!;
    private DriveOptions _options = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _drive = await FakeGoogleDrive.StartAsync();
        _drive.AddFolder(FolderId, _folder);
        _options = new DriveOptions { BaseUrl = _drive.BaseUrl, AllowedTokenUris = [_drive.TokenUri] };
        _http = new HttpClient();
    }

    private DriveClient Client => new(_http, Options.Create(_options));

    [Fact]
    public async Task Lists_every_image_across_pages_and_downloads_exact_bytes()
    {
        var tokens = DriveTokenSource.Create(_drive.ServiceAccountKey(), _options);
        Assert.Equal("photos", await Client.GetFolderNameAsync(tokens, FolderId, CancellationToken.None));

        var files = await Client.ListImagesAsync(tokens, FolderId, CancellationToken.None);

        // Images only (the text file and the Google Doc are not), trashed ones excluded, all pages followed.
        Assert.Equal(_folder.ImageFiles.Order(StringComparer.Ordinal),
            files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.True(_drive.Requests.Count(r => r.StartsWith("/drive/v3/files?", StringComparison.Ordinal)) >= 3,
            "paged");
        Assert.All(_drive.Requests.Where(r => r.StartsWith("/drive/v3/files?", StringComparison.Ordinal)), r =>
        {
            Assert.Contains("supportsAllDrives=true", r);
            Assert.Contains("includeItemsFromAllDrives=true", r);
        });
        foreach (var file in files)
        {
            Assert.Equal(_folder.Read(file.Name).Length, file.Size);
            Assert.Equal(_folder.Read(file.Name), await Client.DownloadAsync(tokens, file, CancellationToken.None));
        }
        // One token for the whole session: Google.Apis.Auth caches it.
        Assert.Equal(1, _drive.TokenRequests);
    }

    [Fact]
    public async Task Unknown_folder_is_a_readable_error_with_googles_message()
    {
        var tokens = DriveTokenSource.Create(_drive.ServiceAccountKey(), _options);
        var error = await Assert.ThrowsAsync<DriveException>(
            () => Client.GetFolderNameAsync(tokens, "NoSuchFolder123", CancellationToken.None));
        Assert.Equal(404, error.Status);
        Assert.Contains("File not found: NoSuchFolder123.", error.Message);
        Assert.Contains("shared with the service account", error.Message);
    }

    [Fact]
    public async Task A_file_id_that_is_not_a_folder_is_refused()
    {
        var tokens = DriveTokenSource.Create(_drive.ServiceAccountKey(), _options);
        var error = await Assert.ThrowsAsync<DriveException>(() =>
            Client.GetFolderNameAsync(tokens, "f-dogs-jpg", CancellationToken.None));
        Assert.Contains("is not a folder", error.Message);
    }

    [Fact]
    public async Task A_key_signed_with_another_private_key_is_refused_by_the_token_endpoint()
    {
        using var stranger = RSA.Create(2048);
        var tokens = DriveTokenSource.Create(_drive.ServiceAccountKey(stranger), _options);
        var error = await Assert.ThrowsAsync<DriveException>(() =>
            Client.GetFolderNameAsync(tokens, FolderId, CancellationToken.None));
        Assert.Contains("invalid_grant", error.Message);
        Assert.Contains("Invalid JWT Signature", error.Message);
    }

    [Fact]
    public async Task A_bad_access_token_gets_googles_401_explained()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_drive.BaseUrl, $"files/{FolderId}"));
        request.Headers.Authorization = new("Bearer", "forged");
        using var raw = await _http.SendAsync(request);
        Assert.Equal(401, (int)raw.StatusCode);
        Assert.Contains("\"reason\":\"authError\"", await raw.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_revoked_access_token_is_a_readable_401_error()
    {
        var tokens = DriveTokenSource.Create(_drive.ServiceAccountKey(), _options);
        Assert.Equal("photos", await Client.GetFolderNameAsync(tokens, FolderId, CancellationToken.None));
        _drive.RevokeTokens();
        var error = await Assert.ThrowsAsync<DriveException>(() =>
            Client.ListImagesAsync(tokens, FolderId, CancellationToken.None));
        Assert.Equal(401, error.Status);
        Assert.Contains("Request had invalid authentication credentials", error.Message);
        Assert.Contains("authError", error.Message);
    }

    [Fact]
    public void A_token_uri_that_is_not_googles_is_refused_unless_allow_listed()
    {
        var production = new DriveOptions { BaseUrl = _drive.BaseUrl };
        var error = Assert.Throws<DriveException>(() =>
            DriveTokenSource.Create(_drive.ServiceAccountKey(), production));
        Assert.Contains("not Google's token endpoint", error.Message);
    }

    [Fact]
    public void Service_account_key_shape_is_checked_up_front()
    {
        Assert.Null(ServiceAccountKeyShape.Check(_drive.ServiceAccountKey()));
        Assert.Contains("not valid JSON", ServiceAccountKeyShape.Check("{nope"));
        Assert.Contains("service_account", ServiceAccountKeyShape.Check("""{"type":"authorized_user"}"""));
        Assert.Contains("client_email",
            ServiceAccountKeyShape.Check("""{"type":"service_account","private_key":"x"}"""));
        Assert.Contains("private_key", ServiceAccountKeyShape.Check(
            """{"type":"service_account","client_email":"a@b.c","private_key":"-----BEGIN PRIVATE KEY-----""" +
            """\ngarbage\n-----END PRIVATE KEY-----\n"}"""));
        Assert.True(DriveFolderId.IsValid(FolderId));
        Assert.False(DriveFolderId.IsValid("x' or name contains '"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _drive.DisposeAsync();
        _folder.Dispose();
    }
}
