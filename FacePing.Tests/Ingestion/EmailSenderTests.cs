using FacePing.Core.Jobs;
using FacePing.Ingestion.Notifications;
using FacePing.Tests.Ingestion.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FacePing.Tests.Ingestion;

public sealed class EmailSenderTests
{
    [Fact]
    public async Task Sends_a_readable_summary_that_parses_back()
    {
        await using var smtp = new SmtpTestServer();
        var sender = new EmailSender(
            Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, From = "noreply@faceping.test" }),
            NullLogger<EmailSender>.Instance);
        var summary = new JobSummary(4, 2, [new JobFailure("dogs.jpg", "id-7", "no face found")], "job-42", "staff",
            JobStatus.Completed);

        Assert.True(await sender.SendAsync("owner@example.com", summary, CancellationToken.None));

        var message = await smtp.WaitForMessageAsync("owner@example.com", TimeSpan.FromSeconds(5));
        Assert.Equal("noreply@faceping.test", message.From.Mailboxes.Single().Address);
        Assert.Contains("staff", message.Subject);
        Assert.Contains("completed", message.Subject);
        Assert.Equal("job-42", message.Headers["X-FacePing-Job"]);
        var text = message.TextBody;
        Assert.Contains("job-42", text);
        Assert.Contains("Image files:   4", text);
        Assert.Contains("Faces stored:  2", text);
        Assert.Contains("- dogs.jpg (id id-7): no face found", text);
    }

    [Fact]
    public async Task A_failed_job_mail_carries_the_error()
    {
        await using var smtp = new SmtpTestServer();
        var sender = new EmailSender(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port }),
            NullLogger<EmailSender>.Instance);
        var summary = new JobSummary(0, 0, [], "job-9", "staff", JobStatus.Failed,
            "FTP login failed for user 'bob': 530 Authentication failed.");

        Assert.True(await sender.SendAsync("owner@example.com", summary, CancellationToken.None));
        var message = await smtp.WaitForMessageAsync("owner@example.com", TimeSpan.FromSeconds(5));
        Assert.Contains("failed", message.Subject);
        Assert.Contains("Error: FTP login failed for user 'bob'", message.TextBody);
    }

    [Fact]
    public async Task An_unreachable_smtp_server_is_reported_not_thrown()
    {
        var sender = new EmailSender(Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1", Port = Infrastructure.RedisServer.FreePort(), Timeout = TimeSpan.FromSeconds(2),
        }), NullLogger<EmailSender>.Instance);
        var summary = new JobSummary(0, 0, [], "job-1", "g", JobStatus.Completed);
        Assert.False(await sender.SendAsync("owner@example.com", summary, CancellationToken.None));
    }
}
