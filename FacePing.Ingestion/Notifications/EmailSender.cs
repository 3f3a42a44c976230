using System.Diagnostics;
using FacePing.Core.Jobs;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FacePing.Ingestion.Notifications;

/// <summary>Sends a job's notification e-mail over the configured SMTP server (MailKit).</summary>
public sealed class EmailSender(IOptions<SmtpOptions> options, ILogger<EmailSender> logger)
{
    private readonly SmtpOptions _options = options.Value;

    /// <summary>Returns true when the server accepted the message; SMTP problems are logged, not thrown.</summary>
    public async Task<bool> SendAsync(string to, JobSummary summary, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.Host))
        {
            logger.LogWarning("Job {JobId} asked for an e-mail but FacePing:Smtp:Host is not configured",
                summary.JobId);
            return false;
        }
        using var activity = IngestionTelemetry.Source.StartActivity("email");
        activity?.SetTag("faceping.job_id", summary.JobId);

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(_options.FromName, _options.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = JobEmail.Subject(summary);
        message.Body = new TextPart("plain") { Text = JobEmail.Body(summary) };
        message.Headers.Add("X-FacePing-Job", summary.JobId);

        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        try
        {
            var security = _options.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTlsWhenAvailable,
            };
            await client.ConnectAsync(_options.Host, _options.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(_options.Username))
                await client.AuthenticateAsync(_options.Username, _options.Password ?? "", cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            logger.LogInformation("Notification e-mail for job {JobId} sent", summary.JobId);
            return true;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ProtocolException
            or CommandException or AuthenticationException or TimeoutException or SslHandshakeException)
        {
            logger.LogWarning("Notification e-mail for job {JobId} not sent: {Reason}", summary.JobId, e.Message);
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            return false;
        }
    }
}
