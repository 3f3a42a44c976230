using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using FacePing.Core.Auth;
using FacePing.Core.Jobs;
using FacePing.Core.Jobs.Network;
using Microsoft.Extensions.Options;

namespace FacePing.Ingestion.Notifications;

/// <summary>
/// POSTs a job's summary to the client's callback URL: a buffered JSON body with a Content-Length (plain receivers read
/// it), signed the Standard Webhooks way when the tenant has a secret (<c>webhook-id</c>, stable across retries;
/// <c>webhook-timestamp</c>, per attempt; <c>webhook-signature</c> = <c>v1,</c> base64 HMAC-SHA256 of
/// <c>id.timestamp.body</c>). Retries 5xx, 408, 429 and transport failures with exponential backoff (the worker
/// schedules those retries in its delivery queue, <see cref="DeliveryQueue"/>). Every connection
/// goes to an address the <see cref="OutboundAddressGuard"/> approved at connect time (ConnectCallback), so a host that
/// re-resolves to an internal address after validation (DNS rebinding) is refused.
/// </summary>
public sealed class CallbackSender : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly CallbackOptions _options;
    private readonly ILogger<CallbackSender> _logger;
    private readonly TimeProvider _time;

    public CallbackSender(IOptions<CallbackOptions> options, ILogger<CallbackSender> logger, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _options = options.Value;
        _logger = logger;
        Guard = new OutboundAddressGuard(_options.AllowedHosts);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a redirect is the receiver's business, not a licence to call elsewhere
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = _options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectCheckedAsync,
        };
        // Not from IHttpClientFactory: the service defaults' resilience handler would retry on top of this sender's own
        // policy.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public OutboundAddressGuard Guard { get; }

    /// <summary>
    /// Sends the summary, retrying in place; returns true when the receiver answered 2xx. Never throws for the
    /// receiver's faults. The worker does not call this: it sends one <see cref="AttemptAsync"/> at a time from its
    /// delivery queue, outside any job slot.
    /// </summary>
    /// <param name="secret">The tenant's signing secret (<c>whsec_…</c>), or null to send unsigned.</param>
    public async Task<bool> SendAsync(Uri url, JobSummary summary, string? secret, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await AttemptAsync(url, summary, secret, attempt, cancellationToken);
            if (result.Outcome != CallbackOutcome.Retry) return result.Outcome == CallbackOutcome.Delivered;
            if (attempt == _options.MaxAttempts) return false;
            await Task.Delay(RetryDelay(attempt), cancellationToken);
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): the first delay, doubled each
    /// time.</summary>
    public TimeSpan RetryDelay(int attempt) => _options.FirstRetryDelay * Math.Pow(2, attempt - 1);

    /// <summary>Attempts a callback may take before it is given up.</summary>
    public int MaxAttempts => _options.MaxAttempts;

    /// <summary>
    /// One delivery attempt (number <paramref name="attempt"/> of <see cref="MaxAttempts"/>), with the same
    /// <c>webhook-id</c> on every attempt and a fresh timestamp and signature. Never throws for the receiver's faults;
    /// a cancelled <paramref name="cancellationToken"/> throws.
    /// </summary>
    public async Task<CallbackAttempt> AttemptAsync(Uri url, JobSummary summary, string? secret, int attempt,
        CancellationToken cancellationToken)
    {
        using var activity = IngestionTelemetry.Source.StartActivity("callback");
        activity?.SetTag("faceping.job_id", summary.JobId);
        activity?.SetTag("faceping.attempt", attempt);
        var body = JsonSerializer.SerializeToUtf8Bytes(summary, Json);
        var messageId = "job_" + summary.JobId;
        string outcome;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.Timeout);
            try
            {
                using var request =
                    new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType =
                    new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
                request.Headers.Add("webhook-id", messageId);
                request.Headers.Add("webhook-timestamp",
                    timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (secret is not null)
                    request.Headers.Add("webhook-signature", WebhookSecrets.Sign(secret, messageId, timestamp, body));
                using var response = await _http.SendAsync(request, timeout.Token);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    _logger.LogInformation("Callback for job {JobId} delivered to {Host} (attempt {Attempt}, {Status})",
                        summary.JobId, url.Host, attempt, status);
                    return new CallbackAttempt(CallbackOutcome.Delivered, $"HTTP {status}");
                }
                if (status is not (>= 500 or 408 or 429))
                {
                    _logger.LogWarning("Callback for job {JobId} refused by {Host}: {Status}; not retried",
                        summary.JobId, url.Host, status);
                    activity?.SetStatus(ActivityStatusCode.Error, $"HTTP {status}");
                    return new CallbackAttempt(CallbackOutcome.Refused, $"HTTP {status}");
                }
                outcome = $"HTTP {status}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = "timed out";
            }
            catch (HttpRequestException e) when (e.InnerException is OutboundTargetRefusedException refused)
            {
                _logger.LogWarning("Callback for job {JobId} not sent: {Reason}", summary.JobId, refused.Message);
                activity?.SetStatus(ActivityStatusCode.Error, "target refused");
                return new CallbackAttempt(CallbackOutcome.Refused, refused.Message);
            }
            catch (HttpRequestException e)
            {
                outcome = e.HttpRequestError.ToString();
            }
        }
        activity?.SetStatus(ActivityStatusCode.Error, outcome);
        if (attempt >= _options.MaxAttempts)
        {
            _logger.LogWarning("Callback for job {JobId} to {Host} failed after {Attempts} attempts ({Outcome})",
                summary.JobId, url.Host, attempt, outcome);
            return new CallbackAttempt(CallbackOutcome.Failed, outcome);
        }
        _logger.LogInformation("Callback for job {JobId} to {Host}: {Outcome}; retrying in {Delay}",
            summary.JobId, url.Host, outcome, RetryDelay(attempt));
        return new CallbackAttempt(CallbackOutcome.Retry, outcome);
    }

    private async ValueTask<Stream> ConnectCheckedAsync(SocketsHttpConnectionContext context,
        CancellationToken cancellationToken)
    {
        var addresses = await Guard.ResolveAllowedAsync(context.DnsEndPoint.Host, cancellationToken);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    public void Dispose() => _http.Dispose();
}
