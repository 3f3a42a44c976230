using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FacePing.Tests.Ingestion.Fakes;

/// <summary>
/// Google's OAuth token endpoint and the Drive v3 calls ingestion uses, on Kestrel at 127.0.0.1, speaking the real
/// wire format: the JWT-bearer grant (signature checked against the service account's public key), listing with
/// <c>nextPageToken</c> paging (2 files per page whatever is asked, as Drive may), <c>alt=media</c>, Google's error
/// JSON, 401 for a bad token and 404 for an unknown file.
/// </summary>
public sealed class FakeGoogleDrive : IAsyncDisposable
{
    public const string ClientEmail = "ingest@faceping-test.iam.gserviceaccount.com";
    private const int PageSize = 2;
    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string,
        (string Name, string Mime, string Parent, byte[] Content, bool Trashed)> _files = new();
    private readonly ConcurrentDictionary<string, string> _folders = new();
    private readonly ConcurrentDictionary<string, bool> _tokens = new();

    public ConcurrentQueue<string> Requests { get; } = new();
    public int TokenRequests;
    public Uri BaseUrl { get; private set; } = null!;
    public string TokenUri { get; private set; } = null!;

    private FakeGoogleDrive(WebApplication app) => _app = app;

    public static async Task<FakeGoogleDrive> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeGoogleDrive(app);
        app.MapPost("/token", (Delegate)fake.TokenAsync);
        app.MapGet("/drive/v3/files", (Delegate)fake.List);
        app.MapGet("/drive/v3/files/{id}", (Delegate)fake.Get);
        await app.StartAsync();
        var root = new Uri(app.Urls.First());
        fake.BaseUrl = new Uri(root, "/drive/v3/");
        fake.TokenUri = new Uri(root, "/token").ToString();
        return fake;
    }

    /// <summary>
    /// A service-account key JSON as Google's console makes it, with a fresh RSA key and this fake's token_uri.
    /// </summary>
    public string ServiceAccountKey(RSA? key = null) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = "faceping-test",
        ["private_key_id"] = "0123456789abcdef",
        ["private_key"] = (key ?? _key).ExportPkcs8PrivateKeyPem() + "\n",
        ["client_email"] = ClientEmail,
        ["client_id"] = "1234567890",
        ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
        ["token_uri"] = TokenUri,
    }.ToJsonString();

    public void AddFolder(string id, string name) => _folders[id] = name;

    /// <summary>Invalidates every access token handed out so far (as when Google revokes them).</summary>
    public void RevokeTokens() => _tokens.Clear();

    public void AddFile(string id, string name, string mime, string parent, byte[] content, bool trashed = false) =>
        _files[id] = (name, mime, parent, content, trashed);

    /// <summary>
    /// A folder holding every file of <paramref name="folder"/> with the MIME type Drive would give it, plus a trashed
    /// image and a Google Doc.
    /// </summary>
    public void AddFolder(string id, IngestFolder folder)
    {
        AddFolder(id, "photos");
        foreach (var path in Directory.EnumerateFiles(folder.Path))
        {
            var name = Path.GetFileName(path);
            var mime = Path.GetExtension(name) switch
            {
                ".jpg" => "image/jpeg",
                ".png" => "image/png",
                _ => "text/plain"
            };
            AddFile("f-" + name.Replace('.', '-'), name, mime, id, File.ReadAllBytes(path));
        }
        AddFile("f-trashed", "trashed.jpg", "image/jpeg", id,
            File.ReadAllBytes(Path.Combine(folder.Path, IngestFolder.FacePhotos[0])), trashed: true);
        AddFile("f-doc", "Notes", "application/vnd.google-apps.document", id, []);
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref TokenRequests);
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
            return Results.Json(new { error = "unsupported_grant_type", error_description = "Invalid grant_type." },
                statusCode: 400);
        var parts = form["assertion"].ToString().Split('.');
        if (parts.Length != 3) return InvalidGrant("Not a JWT.");
        using var header = JsonDocument.Parse(Base64Url(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "RS256") return InvalidGrant("Unsupported alg.");
        if (!_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return InvalidGrant("Invalid JWT Signature.");
        using var claims = JsonDocument.Parse(Base64Url(parts[1]));
        var c = claims.RootElement;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (c.GetProperty("iss").GetString() != ClientEmail) return InvalidGrant("Invalid issuer.");
        // Google.Apis.Auth keeps Google's token URL as the audience even when token_uri points elsewhere.
        if (c.GetProperty("aud").GetString() != "https://oauth2.googleapis.com/token")
            return InvalidGrant("Invalid audience.");
        if (!c.GetProperty("scope").GetString()!.Split(' ').Contains("https://www.googleapis.com/auth/drive.readonly"))
            return InvalidGrant("Invalid scope.");
        if (c.GetProperty("exp").GetInt64() < now || c.GetProperty("iat").GetInt64() > now + 300)
            return InvalidGrant("Invalid JWT: Token must be a short-lived token.");
        var token = "ya29.fake-" + Guid.NewGuid().ToString("N");
        _tokens[token] = true;
        return Results.Json(new { access_token = token, expires_in = 3599, token_type = "Bearer" });
    }

    private static IResult InvalidGrant(string description) =>
        Results.Json(new { error = "invalid_grant", error_description = description }, statusCode: 400);

    private IResult List(HttpContext context)
    {
        Requests.Enqueue(context.Request.Path + context.Request.QueryString);
        if (Unauthorized(context) is { } denied) return denied;
        var q = context.Request.Query["q"].ToString();
        var match = System.Text.RegularExpressions.Regex.Match(q,
            @"^'([^']+)' in parents and trashed = false and mimeType contains 'image/'$");
        if (!match.Success) return GoogleError(400, "Invalid Value", "invalid");
        var parent = match.Groups[1].Value;
        if (!_folders.ContainsKey(parent)) return GoogleError(404, $"File not found: {parent}.", "notFound");
        var all = _files.Where(f => f.Value.Parent == parent && !f.Value.Trashed
                && f.Value.Mime.StartsWith("image/", StringComparison.Ordinal))
            .OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        var start = int.TryParse(context.Request.Query["pageToken"], out var s) ? s : 0;
        var page = all.Skip(start).Take(PageSize).Select(f => new Dictionary<string, object>
        {
            ["id"] = f.Key, ["name"] = f.Value.Name, ["mimeType"] = f.Value.Mime,
            ["size"] = f.Value.Content.Length.ToString(),
            ["md5Checksum"] = Convert.ToHexStringLower(MD5.HashData(f.Value.Content)),
            ["modifiedTime"] = "2026-01-01T00:00:00.000Z",
        }).ToList();
        var body = new Dictionary<string, object> { ["files"] = page };
        if (start + PageSize < all.Count) body["nextPageToken"] = (start + PageSize).ToString();
        return Results.Json(body);
    }

    private IResult Get(HttpContext context, string id)
    {
        Requests.Enqueue(context.Request.Path + context.Request.QueryString);
        if (Unauthorized(context) is { } denied) return denied;
        if (context.Request.Query["alt"] == "media")
            return _files.TryGetValue(id, out var file) && !file.Trashed
                ? Results.Bytes(file.Content, file.Mime)
                : GoogleError(404, $"File not found: {id}.", "notFound");
        if (_folders.TryGetValue(id, out var folderName))
            return Results.Json(new { id, name = folderName, mimeType = "application/vnd.google-apps.folder" });
        if (_files.TryGetValue(id, out var f)) return Results.Json(new { id, name = f.Name, mimeType = f.Mime });
        return GoogleError(404, $"File not found: {id}.", "notFound");
    }

    private IResult? Unauthorized(HttpContext context)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.ContainsKey(auth[7..])) return null;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", " +
            "error=\"invalid_token\"";
        return GoogleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            "authError");
    }

    private static IResult GoogleError(int code, string message, string reason) => Results.Json(new
    {
        error = new { code, message, errors = new[] { new { message, domain = "global", reason } } },
    }, statusCode: code);

    private static byte[] Base64Url(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
