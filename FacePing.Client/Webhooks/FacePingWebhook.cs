using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FacePing.Client.Http;
using Microsoft.Extensions.Primitives;

namespace FacePing.Client;

/// <summary>
/// Verifies the callbacks FacePing sends when a job ends, the Standard Webhooks way: <c>webhook-signature</c> holds
/// <c>v1,</c> + base64 HMAC-SHA256 of <c>{webhook-id}.{webhook-timestamp}.{body}</c> keyed with the tenant's secret
/// (<c>whsec_</c> + base64, from <c>POST /admin/keys</c> or a rotation). The timestamp must be within
/// <see cref="Tolerance"/> of now (replays are refused), and signatures are compared in constant time. Verify the raw
/// body bytes as received, before parsing them.
/// </summary>
public sealed class FacePingWebhook
{
    /// <summary>The header names of Standard Webhooks.</summary>
    public const string IdHeader = "webhook-id", TimestampHeader = "webhook-timestamp",
        SignatureHeader = "webhook-signature";

    private const string SecretPrefix = "whsec_";
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <param name="secret">The tenant's signing secret, <c>whsec_</c> + base64 as the API shows it.</param>
    /// <param name="time">The clock the timestamp is checked against (tests pass their own).</param>
    public FacePingWebhook(string secret, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? secret[SecretPrefix.Length..]
            : secret;
        try
        {
            _key = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new ArgumentException("A webhook secret is whsec_ followed by base64.", nameof(secret));
        }
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How far the timestamp may be from now, either way (Standard Webhooks suggests 5 minutes).</summary>
    public TimeSpan Tolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Verifies a callback from its request headers (an ASP.NET Core <c>HttpRequest.Headers</c> fits) and raw body,
    /// and returns the job summary it carries.
    /// </summary>
    /// <exception cref="WebhookVerificationException">It does not verify.</exception>
    public JobCallback Verify(IEnumerable<KeyValuePair<string, StringValues>> headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? id = null, timestamp = null, signature = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals(IdHeader, StringComparison.OrdinalIgnoreCase)) id = value.ToString();
            else if (name.Equals(TimestampHeader, StringComparison.OrdinalIgnoreCase)) timestamp = value.ToString();
            else if (name.Equals(SignatureHeader, StringComparison.OrdinalIgnoreCase)) signature = value.ToString();
        }
        return Verify(id, timestamp, signature, body);
    }

    /// <summary>Verifies a callback from its three header values and raw body, and returns its job summary.</summary>
    /// <exception cref="WebhookVerificationException">It does not verify.</exception>
    public JobCallback Verify(string? webhookId, string? webhookTimestamp, string? webhookSignature,
        ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp)
            || string.IsNullOrEmpty(webhookSignature))
            throw new WebhookVerificationException(
                $"The {IdHeader}, {TimestampHeader} and {SignatureHeader} headers are required.");
        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            throw new WebhookVerificationException($"{TimestampHeader} is not Unix seconds.");
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((_time.GetUtcNow() - sent).Duration() > Tolerance)
            throw new WebhookVerificationException(
                $"{TimestampHeader} is more than {Tolerance.TotalSeconds:0} s from now: refused as a possible replay.");

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Sign(webhookId, webhookTimestamp, body, expected);
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        // The header may carry several space-separated signatures (during a secret rotation): any v1 one may match.
        foreach (var candidate in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!candidate.StartsWith("v1,", StringComparison.Ordinal)) continue;
            if (Convert.TryFromBase64String(candidate[3..], given, out var written) && written == given.Length
                && CryptographicOperations.FixedTimeEquals(given, expected))
                return JsonSerializer.Deserialize(body, FacePingJson.Default.JobCallback)
                    ?? throw new WebhookVerificationException("The body is not a job summary.");
        }
        throw new WebhookVerificationException("No signature matches the body with this secret.");
    }

    /// <summary>Like <see cref="Verify(string?, string?, string?, ReadOnlySpan{byte})"/>, without throwing.</summary>
    public bool TryVerify(string? webhookId, string? webhookTimestamp, string? webhookSignature,
        ReadOnlySpan<byte> body, out JobCallback? callback)
    {
        try
        {
            callback = Verify(webhookId, webhookTimestamp, webhookSignature, body);
            return true;
        }
        catch (Exception e) when (e is WebhookVerificationException or JsonException)
        {
            callback = null;
            return false;
        }
    }

    /// <summary>The <c>webhook-signature</c> value for a body (for tests of your receiver).</summary>
    public string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Sign(webhookId, timestamp.ToString(CultureInfo.InvariantCulture), body, mac);
        return "v1," + Convert.ToBase64String(mac);
    }

    private void Sign(string id, string timestamp, ReadOnlySpan<byte> body, Span<byte> mac)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp}."));
        hmac.AppendData(body);
        hmac.GetHashAndReset(mac);
    }
}
