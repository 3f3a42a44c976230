using System.Net;
using System.Net.Sockets;
using FacePing.Core.Jobs;
using FacePing.Ingestion.Ftp;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Ingestion;

public sealed class FtpClientTests : IDisposable
{
    private static readonly IPAddress[] Loopback = [IPAddress.Loopback];
    private readonly IngestFolder _folder = new();

    private static FtpClientOptions Options(string? thumbprint = null, FtpTlsMode tls = FtpTlsMode.Auto) => new()
    {
        Tls = tls,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReadTimeout = TimeSpan.FromSeconds(5),
        TrustedCertificateThumbprints = thumbprint is null ? [] : [thumbprint],
    };

    private static FtpEndpoint Endpoint(FtpTestServer server, string? password = null)
    {
        // As a client sends it: ftp:// prefix, the username URL-encoded.
        var endpoint = FtpEndpoint.TryCreate("ftp://127.0.0.1/", server.Port, Uri.EscapeDataString(server.User),
            password ?? server.Password, out var errors);
        Assert.Empty(errors);
        return endpoint!;
    }

    [Fact]
    public async Task Plain_ftp_lists_files_with_mlsd_and_downloads_exact_bytes()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path);
        await using var client = await FtpClient.ConnectAsync(Endpoint(server), Loopback, Options(),
            CancellationToken.None);
        Assert.False(client.IsSecure);

        await client.ChangeFolderAsync("/", CancellationToken.None);
        var entries = await client.ListAsync(CancellationToken.None);

        var files = entries.Where(e => e.IsFile == true).Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(_folder.ImageFiles.Append(IngestFolder.TextFile).Order(StringComparer.Ordinal), files);
        Assert.Contains(entries, e => e.Name == "nested" && e.IsFile == false);
        Assert.Equal(_folder.Read(IngestFolder.FacePhotos[0]).Length,
            entries.Single(e => e.Name == IngestFolder.FacePhotos[0]).Size);

        foreach (var name in _folder.ImageFiles)
            Assert.Equal(_folder.Read(name), await client.DownloadAsync(name, 10_000_000));
    }

    [Fact]
    public async Task Legacy_server_without_epsv_and_mlsd_falls_back_to_pasv_and_nlst()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path, legacy: true);
        await using var client = await FtpClient.ConnectAsync(Endpoint(server), Loopback, Options(),
            CancellationToken.None);

        var names = (await client.ListAsync(CancellationToken.None)).Select(e => e.Name).ToHashSet();
        Assert.Superset(_folder.ImageFiles.ToHashSet(), names);
        var photo = IngestFolder.FacePhotos[2];
        Assert.Equal(_folder.Read(photo), await client.DownloadAsync(photo, 10_000_000));
        // The passive connection is re-opened per transfer: a second download works on the same session.
        Assert.Equal(_folder.Read(IngestFolder.NoFacePhoto),
            await client.DownloadAsync(IngestFolder.NoFacePhoto, 10_000_000));
    }

    [Fact]
    public async Task Explicit_ftps_with_allow_listed_self_signed_certificate_lists_and_downloads()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path, tls: true);
        await using var client = await FtpClient.ConnectAsync(Endpoint(server), Loopback,
            Options(server.CertificateThumbprint, FtpTlsMode.Required), CancellationToken.None);
        Assert.True(client.IsSecure);

        var entries = await client.ListAsync(CancellationToken.None);
        Assert.Contains(entries, e => e.Name == IngestFolder.FacePhotos[1] && e.IsFile == true);
        foreach (var name in IngestFolder.FacePhotos)
            Assert.Equal(_folder.Read(name), await client.DownloadAsync(name, 10_000_000));
    }

    [Fact]
    public async Task Ftps_with_untrusted_certificate_is_refused()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path, tls: true);
        var error = await Assert.ThrowsAsync<FtpException>(
            () => FtpClient.ConnectAsync(Endpoint(server), Loopback, Options(), CancellationToken.None));
        Assert.Contains("TLS", error.Message);
    }

    [Fact]
    public async Task Tls_required_against_a_plain_only_server_fails_before_login()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path);
        var error = await Assert.ThrowsAsync<FtpException>(() => FtpClient.ConnectAsync(Endpoint(server), Loopback,
            Options(tls: FtpTlsMode.Required), CancellationToken.None));
        Assert.Contains("AUTH TLS", error.Message);
    }

    [Fact]
    public async Task Wrong_password_is_a_clear_error_without_the_password()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path);
        var error = await Assert.ThrowsAsync<FtpException>(() => FtpClient.ConnectAsync(
            Endpoint(server, "wrong-password"), Loopback, Options(), CancellationToken.None));
        Assert.Equal(530, error.ReplyCode);
        Assert.Contains("login failed", error.Message);
        Assert.Contains(server.User, error.Message);
        Assert.DoesNotContain("wrong-password", error.Message);
    }

    [Fact]
    public async Task Unknown_folder_and_file_are_clear_errors()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path);
        await using var client = await FtpClient.ConnectAsync(Endpoint(server), Loopback, Options(),
            CancellationToken.None);
        var folder = await Assert.ThrowsAsync<FtpException>(() =>
            client.ChangeFolderAsync("/no/such/folder", CancellationToken.None));
        Assert.Contains("/no/such/folder", folder.Message);
        var file = await Assert.ThrowsAsync<FtpException>(() =>
            client.DownloadAsync("missing.jpg", 1000));
        Assert.Equal(550, file.ReplyCode);
        // The session is still usable after errors.
        Assert.NotEmpty(await client.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Download_over_the_size_cap_fails_and_names_the_limit()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path);
        await using var client = await FtpClient.ConnectAsync(Endpoint(server), Loopback, Options(),
            CancellationToken.None);
        var error = await Assert.ThrowsAsync<FtpException>(
            () => client.DownloadAsync(IngestFolder.NoFacePhoto, 50_000));
        Assert.Contains("50000 byte limit", error.Message);
    }

    [Fact]
    public async Task A_wrong_size_from_the_listing_does_not_corrupt_the_download()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path);
        await using var client = await FtpClient.ConnectAsync(Endpoint(server), Loopback, Options(),
            CancellationToken.None);
        var photo = IngestFolder.FacePhotos[0];
        var expected = _folder.Read(photo);
        Assert.Equal(expected,
            await client.DownloadAsync(photo, 10_000_000, sizeHint: expected.Length));
        Assert.Equal(expected, await client.DownloadAsync(photo, 10_000_000, sizeHint: 10));
        Assert.Equal(expected,
            await client.DownloadAsync(photo, 10_000_000, sizeHint: expected.Length * 3L));
        await Assert.ThrowsAsync<FtpException>(() =>
            client.DownloadAsync(photo, expected.Length - 1, sizeHint: 5));
    }

    [Fact]
    public async Task Path_traversal_and_control_characters_are_refused_before_anything_is_sent()
    {
        await using var server = await FtpTestServer.StartAsync(_folder.Path);
        await using var client = await FtpClient.ConnectAsync(Endpoint(server), Loopback, Options(),
            CancellationToken.None);
        await Assert.ThrowsAsync<FtpException>(() =>
            client.DownloadAsync("../etc/passwd", 1000));
        await Assert.ThrowsAsync<FtpException>(() =>
            client.DownloadAsync("a.jpg\r\nDELE b.jpg", 1000));
        await Assert.ThrowsAsync<FtpException>(() => client.ChangeFolderAsync("/x\r\nRMD /", CancellationToken.None));
        Assert.False(FtpNames.IsSafeFileName(".."));
        Assert.False(FtpNames.IsSafeFileName("a\\b.jpg"));
        Assert.True(FtpNames.IsSafeFileName("photo 1.jpg"));
    }

    [Fact]
    public async Task Server_that_accepts_and_never_greets_is_let_go_after_the_greeting_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = listener.AcceptTcpClientAsync(); // accepts, then stays silent
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var endpoint = new FtpEndpoint("127.0.0.1", port, "user", "pass");
        var options = Options();
        options.GreetingTimeout = TimeSpan.FromMilliseconds(500);
        options.ReadTimeout = TimeSpan.FromMinutes(5); // the greeting has its own, shorter wait

        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<FtpException>(
            () => FtpClient.ConnectAsync(endpoint, Loopback, options, CancellationToken.None));
        Assert.Contains("did not answer within 0.5 s", error.Message);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        (await accepted).Dispose();
    }

    [Fact]
    public async Task Server_that_stalls_after_the_greeting_times_out()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            await socket.GetStream().WriteAsync("220-hello\r\n220 slow server\r\n"u8.ToArray());
            await Task.Delay(TimeSpan.FromSeconds(3));
        });
        var endpoint = new FtpEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, "user", "pass");
        var options = Options(tls: FtpTlsMode.Never);
        options.ReadTimeout = TimeSpan.FromMilliseconds(300);
        var error = await Assert.ThrowsAsync<FtpException>(
            () => FtpClient.ConnectAsync(endpoint, Loopback, options, CancellationToken.None));
        Assert.Contains("did not answer", error.Message);
        await serve;
    }

    [Fact]
    public async Task Closed_port_is_a_clear_connection_error()
    {
        var endpoint = new FtpEndpoint("127.0.0.1", Infrastructure.RedisServer.FreePort(), "user", "pass");
        var error = await Assert.ThrowsAsync<FtpException>(
            () => FtpClient.ConnectAsync(endpoint, Loopback, Options(), CancellationToken.None));
        Assert.Contains("cannot be reached", error.Message);
    }

    [Theory]
    [InlineData("ftp://files.example.com", null, "files.example.com", 21)]
    [InlineData("FTP://Files.Example.com/", 2121, "files.example.com", 2121)]
    [InlineData("files.example.com:990", null, "files.example.com", 990)]
    [InlineData("127.0.0.1", 21, "127.0.0.1", 21)]
    [InlineData("[::1]:2121", null, "::1", 2121)]
    public void Host_is_normalised(string host, int? port, string expectedHost, int expectedPort)
    {
        var endpoint = FtpEndpoint.TryCreate(host, port, "user%24name", "p", out var errors);
        Assert.Empty(errors);
        Assert.Equal(expectedHost, endpoint!.Host);
        Assert.Equal(expectedPort, endpoint.Port);
        Assert.Equal("user$name", endpoint.Username);
        Assert.DoesNotContain("p", endpoint.ToString().Replace("ftp", "").Replace(endpoint.Host, ""));
    }

    [Theory]
    [InlineData("", "host")]
    [InlineData("user:pw@host", "host")]
    [InlineData("host/path", "host")]
    [InlineData("bad host", "host")]
    [InlineData("host:99999", "port")]
    public void Invalid_host_is_reported_per_field(string host, string field)
    {
        Assert.Null(FtpEndpoint.TryCreate(host, null, "u", "p", out var errors));
        Assert.True(errors.ContainsKey(field), string.Join(";", errors));
    }

    [Fact]
    public void Credentials_with_line_breaks_are_refused()
    {
        Assert.Null(FtpEndpoint.TryCreate("h", null, "u%0D%0ADELE x", "p", out var errors));
        Assert.Contains("username", errors.Keys);
        Assert.Null(FtpEndpoint.TryCreate("h", null, "u", "p\r\nDELE x", out errors));
        Assert.Contains("password", errors.Keys);
    }

    public void Dispose() => _folder.Dispose();
}
