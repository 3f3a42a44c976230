using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Ingestion.Fakes;

/// <summary>
/// A real FTP server (pyftpdlib from Debian) on a free 127.0.0.1 port serving a folder read-only; with
/// <c>tls: true</c> an explicit-FTPS server that requires TLS, using a self-signed certificate made by openssl now.
/// </summary>
public sealed class FtpTestServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly string? _certDir;

    public int Port { get; }
    public string User { get; }
    public string Password { get; }

    /// <summary>SHA-256 thumbprint (hex) of the self-signed certificate, for the client's allow-list.</summary>
    public string? CertificateThumbprint { get; }

    private FtpTestServer(Process process, int port, string user, string password, string? certDir, string? thumbprint)
    {
        _process = process;
        Port = port;
        User = user;
        Password = password;
        _certDir = certDir;
        CertificateThumbprint = thumbprint;
    }

    public static async Task<FtpTestServer> StartAsync(string root, bool tls = false, bool legacy = false,
        string user = "face$user", string password = "s3cret pass")
    {
        var port = RedisServer.FreePort();
        ProcessStartInfo psi;
        string? certDir = null;
        string? thumbprint = null;
        if (tls)
        {
            certDir = Directory.CreateTempSubdirectory("faceping-ftps-cert-").FullName;
            var cert = Path.Combine(certDir, "cert.pem");
            var key = Path.Combine(certDir, "key.pem");
            await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert);
            thumbprint = Convert.ToHexString(X509Certificate2.CreateFromPem(File.ReadAllText(cert))
                .GetCertHash(HashAlgorithmName.SHA256));
            psi = Script(port, user, password, root, legacy, "--tls", cert, key);
        }
        else if (legacy)
        {
            psi = Script(port, user, password, root, legacy);
        }
        else
        {
            psi = new ProcessStartInfo(Python);
            foreach (var arg in new[]
                { "-m", "pyftpdlib", "-i", "127.0.0.1", "-p", port.ToString(), "-u", user, "-P", password, "-d", root })
                psi.ArgumentList.Add(arg);
        }
        psi.RedirectStandardError = true;
        psi.RedirectStandardOutput = true;
        psi.UseShellExecute = false;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"FTP server exited with {process.ExitCode}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        return new FtpTestServer(process, port, user, password, certDir, thumbprint);
    }

    private static ProcessStartInfo Script(int port, string user, string password, string root, bool legacy,
        params string[] extra)
    {
        var psi = new ProcessStartInfo(Python);
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Ingestion", "ftps_server.py"),
            port.ToString(), user, password, root,
        })
            psi.ArgumentList.Add(arg);
        foreach (var arg in extra) psi.ArgumentList.Add(arg);
        if (legacy) psi.ArgumentList.Add("--legacy");
        return psi;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false
        };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_certDir is not null) Directory.Delete(_certDir, recursive: true);
    }
}
