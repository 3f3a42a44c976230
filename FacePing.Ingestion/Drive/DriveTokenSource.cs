using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;

namespace FacePing.Ingestion.Drive;

/// <summary>
/// Access tokens for one job's service account (JWT-bearer grant, scope drive.readonly), cached and refreshed by
/// Google.Apis.Auth. The key's <c>token_uri</c> is honoured only when it is Google's or allow-listed.
/// </summary>
public sealed class DriveTokenSource
{
    public const string Scope = "https://www.googleapis.com/auth/drive.readonly";
    private readonly ITokenAccess _credential;
    private readonly TimeSpan _timeout;

    private DriveTokenSource(ITokenAccess credential, TimeSpan timeout)
    {
        _credential = credential;
        _timeout = timeout;
    }

    public static DriveTokenSource Create(string serviceAccountKeyJson, DriveOptions options)
    {
        string? tokenUri;
        try
        {
            using var doc = JsonDocument.Parse(serviceAccountKeyJson);
            tokenUri = doc.RootElement.TryGetProperty("token_uri", out var uri) && uri.ValueKind == JsonValueKind.String
                ? uri.GetString()
                : null;
        }
        catch (JsonException)
        {
            throw new DriveException("The service-account key is not valid JSON.");
        }
        if (tokenUri is not null && tokenUri != DriveOptions.GoogleTokenUri
            && tokenUri != DriveOptions.LegacyGoogleTokenUri
            && !options.AllowedTokenUris.Contains(tokenUri, StringComparer.Ordinal))
            throw new DriveException(
                $"The service-account key's token_uri '{tokenUri}' is not Google's token endpoint.");

        try
        {
            var credential = CredentialFactory.FromJson<ServiceAccountCredential>(serviceAccountKeyJson)
                .ToGoogleCredential()
                .CreateScoped(Scope);
            return new DriveTokenSource(credential, options.RequestTimeout);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DriveException($"The service-account key cannot be used: {e.Message}", null, e);
        }
    }

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await _credential.GetAccessTokenForRequestAsync(cancellationToken: timeout.Token);
        }
        catch (TokenResponseException e)
        {
            var reason = e.Error?.ErrorDescription is { Length: > 0 } description
                ? $"{e.Error.Error}: {description}"
                : e.Error?.Error ?? e.Message;
            throw new DriveException($"Google refused the service-account key: {reason}", (int?)e.StatusCode, e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DriveException($"Google's token endpoint did not answer within {_timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            throw new DriveException($"Google's token endpoint cannot be reached: {e.Message}", null, e);
        }
    }
}
