using System.Security.Cryptography;
using System.Text.Json;

namespace FacePing.Core.Jobs;

/// <summary>
/// The up-front check of a Google service-account key (the JSON file Google's console hands out), done by the Api
/// before a job is accepted so that a pasted wrong file is a 400, not a failed job later.
/// </summary>
public static class ServiceAccountKeyShape
{
    public const int MaxLength = 16 * 1024;

    /// <summary>
    /// Returns an error message, or null when the key has the fields Drive access needs and a readable RSA key.
    /// </summary>
    public static string? Check(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return "serviceAccountKey is required (the service account's JSON key as a string).";
        if (json.Length > MaxLength) return $"serviceAccountKey must be at most {MaxLength} characters.";
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "serviceAccountKey must be a JSON object.";
            if (Text(root, "type") != "service_account")
                return "serviceAccountKey must be a service-account key (\"type\": \"service_account\").";
            var email = Text(root, "client_email");
            if (string.IsNullOrEmpty(email) || !email.Contains('@'))
                return "serviceAccountKey has no valid client_email.";
            var key = Text(root, "private_key");
            if (string.IsNullOrEmpty(key) || !key.Contains("PRIVATE KEY", StringComparison.Ordinal))
                return "serviceAccountKey has no private_key.";
            using (var rsa = RSA.Create())
            {
                try { rsa.ImportFromPem(key); }
                catch (Exception e) when (e is ArgumentException or CryptographicException)
                {
                    return "serviceAccountKey's private_key is not a readable RSA key.";
                }
            }
            var tokenUri = Text(root, "token_uri");
            if (tokenUri is not null && !Uri.TryCreate(tokenUri, UriKind.Absolute, out _))
                return "serviceAccountKey's token_uri is not an absolute URL.";
            return null;
        }
        catch (JsonException)
        {
            return "serviceAccountKey is not valid JSON.";
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
