using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FacePing.Core.Jobs;

namespace FacePing.Ingestion.Ftp;

/// <summary>
/// A small RFC 959 client for what ingestion needs: log in (optionally after AUTH TLS), change folder, list it and
/// download files into memory. Not thread-safe: one command at a time per instance (open one per concurrent download).
/// </summary>
public sealed class FtpClient : IAsyncDisposable
{
    private readonly FtpEndpoint _endpoint;
    private readonly FtpClientOptions _options;
    private readonly TcpClient _control;
    private readonly IPAddress _address;
    private readonly FtpLineReader _reader;
    private Stream _stream;
    private bool _secure;
    private bool _epsvUnsupported;
    private bool _mlsdUnsupported;

    private FtpClient(FtpEndpoint endpoint, FtpClientOptions options, TcpClient control, IPAddress address)
    {
        _endpoint = endpoint;
        _options = options;
        _control = control;
        _address = address;
        _stream = control.GetStream();
        _reader = new FtpLineReader(_stream);
    }

    /// <summary>True when the control and data connections are protected by TLS.</summary>
    public bool IsSecure => _secure;

    /// <summary>
    /// Connects to one of <paramref name="addresses"/> (already checked by the caller's address guard), negotiates
    /// TLS as configured and logs in.
    /// </summary>
    public static async Task<FtpClient> ConnectAsync(FtpEndpoint endpoint, IReadOnlyList<IPAddress> addresses,
        FtpClientOptions options, CancellationToken cancellationToken)
    {
        var (tcp, address) = await ConnectTcpAsync(addresses, endpoint.Port, options.ConnectTimeout,
            $"FTP server {endpoint.Host}:{endpoint.Port}", cancellationToken);
        var client = new FtpClient(endpoint, options, tcp, address);
        try
        {
            await client.HandshakeAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        // A server that accepts and never greets is let go sooner than a slow transfer: it holds a job slot.
        var welcome = await ReadReplyAsync(cancellationToken, _options.GreetingTimeout);
        if (welcome.Code != 220) throw Fail("The FTP server refused the connection", welcome);

        if (_options.Tls != FtpTlsMode.Never)
        {
            var auth = await CommandAsync("AUTH TLS", cancellationToken);
            if (auth.Code == 234)
            {
                if (_reader.HasBufferedData)
                    throw new FtpException("The FTP server sent data before the TLS handshake.");
                var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
                await AuthenticateAsync(ssl, cancellationToken);
                _stream = ssl;
                _reader.Stream = ssl;
                _secure = true;
            }
            else if (_options.Tls == FtpTlsMode.Required)
            {
                throw Fail("The FTP server does not offer TLS (AUTH TLS), which is required", auth);
            }
        }

        var user = await CommandAsync("USER " + _endpoint.Username, cancellationToken);
        if (user.Code == 331)
        {
            var pass = await SendAndReadAsync("PASS " + _endpoint.Password, "PASS ****", cancellationToken);
            if (pass.Code is not (230 or 202))
                throw new FtpException($"FTP login failed for user '{_endpoint.Username}': {pass}", pass.Code);
        }
        else if (user.Code != 230)
        {
            throw new FtpException($"FTP login failed for user '{_endpoint.Username}': {user}", user.Code);
        }

        if (_secure)
        {
            var pbsz = await CommandAsync("PBSZ 0", cancellationToken);
            if (!pbsz.IsSuccess) throw Fail("The FTP server refused PBSZ 0", pbsz);
            var prot = await CommandAsync("PROT P", cancellationToken);
            if (!prot.IsSuccess) throw Fail("The FTP server refused protected data connections (PROT P)", prot);
        }

        // UTF-8 names where the server supports it; servers that do not simply answer 5xx.
        await CommandAsync("OPTS UTF8 ON", cancellationToken);
        var type = await CommandAsync("TYPE I", cancellationToken);
        if (!type.IsSuccess) throw Fail("The FTP server refused binary mode (TYPE I)", type);
    }

    /// <summary>Makes <paramref name="folderPath"/> the working folder (empty keeps the login folder).</summary>
    public async Task ChangeFolderAsync(string folderPath, CancellationToken cancellationToken)
    {
        if (!FtpNames.IsValidFolderPath(folderPath))
            throw new FtpException("The folder path contains control characters.");
        if (folderPath.Length == 0) return;
        var reply = await CommandAsync("CWD " + folderPath, cancellationToken);
        if (!reply.IsSuccess)
            throw new FtpException($"FTP folder '{folderPath}' cannot be opened: {reply}", reply.Code);
    }

    /// <summary>
    /// Lists the working folder: MLSD when the server has it (kinds and sizes), else NLST, else LIST.
    /// </summary>
    public async Task<IReadOnlyList<FtpEntry>> ListAsync(CancellationToken cancellationToken)
    {
        if (!_mlsdUnsupported)
        {
            var lines = await ReadListingAsync("MLSD", cancellationToken);
            if (lines is not null) return lines.Select(ParseMlsd).OfType<FtpEntry>().ToList();
            _mlsdUnsupported = true;
        }
        var names = await ReadListingAsync("NLST", cancellationToken);
        if (names is not null)
            return names.Select(n => new FtpEntry(Path.GetFileName(n.TrimEnd('/')), null, null))
                .Where(e => e.Name.Length > 0).ToList();
        var list = await ReadListingAsync("LIST", cancellationToken)
            ?? throw new FtpException("The FTP server supports none of MLSD, NLST and LIST.");
        return list.Select(ParseUnixList).OfType<FtpEntry>().ToList();
    }

    /// <summary>
    /// Downloads a file of the working folder into memory; larger than <paramref name="maxBytes"/> is an error.
    /// <paramref name="sizeHint"/> (from MLSD) lets the buffer be allocated once at the right size.
    /// </summary>
    public async Task<byte[]> DownloadAsync(string fileName, long maxBytes, long? sizeHint = null,
        CancellationToken cancellationToken = default)
    {
        if (!FtpNames.IsSafeFileName(fileName)) throw new FtpException($"'{fileName}' is not a plain file name.");
        await using var data = await OpenDataAsync("RETR " + fileName, cancellationToken);
        if (data.Reply is { } refusal)
            throw new FtpException($"FTP download of '{fileName}' failed: {refusal}", refusal.Code);

        var stream = data.Stream!;
        var bytes = await Sources.BoundedDownload.ReadAsync(
            (memory, ct) => WithReadTimeoutAsync(t => stream.ReadAsync(memory, t).AsTask(), ct),
            sizeHint, maxBytes, () => new FtpException($"'{fileName}' is larger than the {maxBytes} byte limit."),
            cancellationToken);
        await data.CloseAsync();
        var done = await ReadReplyAsync(cancellationToken);
        if (!done.IsSuccess) throw new FtpException($"FTP download of '{fileName}' failed: {done}", done.Code);
        return bytes;
    }

    private async Task<List<string>?> ReadListingAsync(string command, CancellationToken cancellationToken)
    {
        await using var data = await OpenDataAsync(command, cancellationToken);
        if (data.Reply is { } refusal)
        {
            // 500/502/504: command unknown; 550 on an empty folder for some servers' NLST.
            if (refusal.Code is 500 or 502 or 504) return null;
            if (refusal.Code == 550 && command == "NLST") return [];
            throw new FtpException($"FTP listing ({command}) failed: {refusal}", refusal.Code);
        }
        var lines = new List<string>();
        using (var reader = new FtpLineReader(data.Stream!))
        {
            while (await WithReadTimeoutAsync<string?>(ct => reader.ReadLineAsync(ct).AsTask(),
                cancellationToken) is { } line)
            {
                if (line.Length == 0) continue;
                if (lines.Count >= _options.MaxListingEntries)
                    throw new FtpException($"The FTP folder has more than {_options.MaxListingEntries} entries.");
                lines.Add(line);
            }
        }
        await data.CloseAsync();
        var done = await ReadReplyAsync(cancellationToken);
        if (!done.IsSuccess) throw new FtpException($"FTP listing ({command}) failed: {done}", done.Code);
        return lines;
    }

    /// <summary>
    /// Opens a passive data connection, sends <paramref name="command"/> and, after the server's preliminary reply,
    /// runs the TLS handshake on the data connection (the order ftplib, curl and FileZilla use, which servers expect).
    /// </summary>
    private async Task<DataConnection> OpenDataAsync(string command, CancellationToken cancellationToken)
    {
        var port = await EnterPassiveAsync(cancellationToken);
        var (tcp, _) = await ConnectTcpAsync([_address], port, _options.ConnectTimeout,
            $"FTP data connection {_endpoint.Host}:{port}", cancellationToken);
        var connection = new DataConnection(tcp);
        try
        {
            var reply = await CommandAsync(command, cancellationToken);
            if (!reply.IsPreliminary)
            {
                connection.Reply = reply;
                return connection;
            }
            if (_secure)
            {
                var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
                connection.Stream = ssl;
                await AuthenticateAsync(ssl, cancellationToken);
            }
            else
            {
                connection.Stream = tcp.GetStream();
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<int> EnterPassiveAsync(CancellationToken cancellationToken)
    {
        if (!_epsvUnsupported)
        {
            var epsv = await CommandAsync("EPSV", cancellationToken);
            if (epsv.Code == 229)
            {
                // "229 Entering Extended Passive Mode (|||port|)"
                var open = epsv.Text.IndexOf('(');
                var close = epsv.Text.IndexOf(')', open + 1);
                if (open >= 0 && close > open)
                {
                    var parts = epsv.Text[(open + 1)..close].Split(epsv.Text[open + 1]);
                    if (parts.Length >= 4
                        && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                        && p is > 0 and < 65536) return p;
                }
                throw new FtpException($"The FTP server sent an unreadable EPSV reply: {epsv}");
            }
            _epsvUnsupported = true;
        }
        var pasv = await CommandAsync("PASV", cancellationToken);
        if (pasv.Code != 227) throw Fail("The FTP server refused passive mode", pasv);
        // "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)": the host part is ignored on purpose — servers behind NAT
        // announce unusable addresses, and connecting where the server says would let it point us anywhere.
        var digits = System.Text.RegularExpressions.Regex.Match(pasv.Text, @"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)");
        if (!digits.Success) throw new FtpException($"The FTP server sent an unreadable PASV reply: {pasv}");
        var port = int.Parse(digits.Groups[5].Value, CultureInfo.InvariantCulture) * 256
            + int.Parse(digits.Groups[6].Value, CultureInfo.InvariantCulture);
        if (port is <= 0 or > 65535) throw new FtpException($"The FTP server sent an invalid PASV port: {pasv}");
        return port;
    }

    private Task<FtpReply> CommandAsync(string command, CancellationToken cancellationToken) =>
        SendAndReadAsync(command, command, cancellationToken);

    private async Task<FtpReply> SendAndReadAsync(string command, string shownAs, CancellationToken cancellationToken)
    {
        if (command.AsSpan().IndexOfAny('\r', '\n') >= 0)
            throw new FtpException($"Refusing to send a command with a line break ({shownAs.Split(' ')[0]}).");
        var bytes = Encoding.UTF8.GetBytes(command + "\r\n");
        await WithReadTimeoutAsync(async ct =>
        {
            await _stream.WriteAsync(bytes, ct);
            await _stream.FlushAsync(ct);
            return 0;
        }, cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    private async Task<FtpReply> ReadReplyAsync(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var first = await ReadLineAsync(cancellationToken, timeout);
        if (first.Length < 3
            || !int.TryParse(first.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            throw new FtpException($"The FTP server sent an invalid reply: '{Truncate(first)}'");
        var last = first;
        if (first.Length > 3 && first[3] == '-')
        {
            var end = first[..3] + " ";
            var lines = 0;
            do
            {
                last = await ReadLineAsync(cancellationToken, timeout);
                if (++lines > 1000) throw new FtpException("The FTP server sent an endless multi-line reply.");
            }
            while (!last.StartsWith(end, StringComparison.Ordinal));
        }
        return new FtpReply(code, last.Length > 4 ? last[4..].Trim() : "");
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        await WithReadTimeoutAsync(ct => _reader.ReadLineAsync(ct).AsTask(), cancellationToken, timeout)
        ?? throw new FtpException($"The FTP server {_endpoint.Host}:{_endpoint.Port} closed the connection.");

    private async Task<T> WithReadTimeoutAsync<T>(Func<CancellationToken, Task<T>> operation,
        CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        var wait = limit ?? _options.ReadTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            return await operation(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FtpException($"The FTP server {_endpoint.Host}:{_endpoint.Port} did not answer within " +
                $"{wait.TotalSeconds:0.#} s.");
        }
        catch (IOException e)
        {
            throw new FtpException(
                $"The connection to FTP server {_endpoint.Host}:{_endpoint.Port} failed: {e.Message}", null, e);
        }
    }

    private async Task AuthenticateAsync(SslStream ssl, CancellationToken cancellationToken)
    {
        var options = new SslClientAuthenticationOptions
        {
            // The host name (not the IP) is the target: it is checked against the certificate and keys TLS session
            // reuse, which servers such as vsftpd demand on data connections.
            TargetHost = _endpoint.Host,
            RemoteCertificateValidationCallback = ValidateCertificate,
        };
        try
        {
            await WithReadTimeoutAsync(async ct => { await ssl.AuthenticateAsClientAsync(options, ct); return 0; },
                cancellationToken);
        }
        catch (AuthenticationException e)
        {
            throw new FtpException($"TLS with FTP server {_endpoint.Host} failed: {e.Message}", null, e);
        }
    }

    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain,
        SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || _options.TrustedCertificateThumbprints.Count == 0) return false;
        var thumbprint = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
        return _options.TrustedCertificateThumbprints
            .Any(t => string.Equals(t.Replace(":", ""), thumbprint, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<(TcpClient, IPAddress)> ConnectTcpAsync(IReadOnlyList<IPAddress> addresses, int port,
        TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var address in addresses)
        {
            var tcp = new TcpClient(address.AddressFamily) { NoDelay = true };
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                await tcp.ConnectAsync(address, port, cts.Token);
                return (tcp, address);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                tcp.Dispose();
                last = new FtpException($"{what} did not accept a connection within {timeout.TotalSeconds:0.#} s.");
            }
            catch (SocketException e)
            {
                tcp.Dispose();
                last = new FtpException($"{what} cannot be reached: {e.Message}", null, e);
            }
        }
        throw last ?? new FtpException($"{what} has no address to connect to.");
    }

    private static FtpEntry? ParseMlsd(string line)
    {
        // "type=file;size=1234;modify=20240101000000; name with spaces.jpg"
        var space = line.IndexOf(' ');
        if (space < 0) return null;
        var name = line[(space + 1)..];
        bool? isFile = null;
        long? size = null;
        foreach (var fact in line[..space].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = fact.IndexOf('=');
            if (eq < 0) continue;
            var key = fact[..eq];
            var value = fact[(eq + 1)..];
            if (key.Equals("type", StringComparison.OrdinalIgnoreCase))
                isFile = value.Equals("file", StringComparison.OrdinalIgnoreCase);
            else if (key.Equals("size", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s)) size = s;
        }
        return new FtpEntry(name, isFile, size);
    }

    private static FtpEntry? ParseUnixList(string line)
    {
        // "-rw-r--r-- 1 owner group 1234 Jan 01 12:00 name with spaces.jpg": the name is what follows the time/year
        // field.
        var fields = line.Split(' ', 9, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9) return null;
        long? size = long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
        return new FtpEntry(fields[8], line[0] == '-', size);
    }

    private static FtpException Fail(string what, FtpReply reply) => new($"{what}: {reply}", reply.Code);

    private static string Truncate(string value) => value.Length > 80 ? value[..80] + "…" : value;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_control.Connected)
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _stream.WriteAsync("QUIT\r\n"u8.ToArray(), quit.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException
            or SocketException)
        {
            // Closing anyway.
        }
        _reader.Dispose();
        await _stream.DisposeAsync();
        _control.Dispose();
    }

    private sealed class DataConnection(TcpClient tcp) : IAsyncDisposable
    {
        public FtpReply? Reply { get; set; }
        public Stream? Stream { get; set; }

        public async Task CloseAsync()
        {
            if (Stream is SslStream ssl)
            {
                try { await ssl.ShutdownAsync(); }
                catch (Exception e) when (e is IOException or ObjectDisposedException) { }
            }
            if (Stream is not null) await Stream.DisposeAsync();
            Stream = null;
            tcp.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            if (Stream is not null) await Stream.DisposeAsync();
            tcp.Dispose();
        }
    }
}
