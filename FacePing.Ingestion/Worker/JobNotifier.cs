using FacePing.Core.Auth;
using FacePing.Core.Jobs;
using FacePing.Ingestion.Notifications;

namespace FacePing.Ingestion.Worker;

/// <summary>
/// Sends the end-of-job callback (signed with the tenant's webhook secret when it has one) and e-mail that the job
/// asked for, both at the same time.
/// </summary>
public sealed class JobNotifier(CallbackSender callbacks, EmailSender email, WebhookSecrets secrets)
{
    public async Task NotifyAsync(JobDefinition job, JobView view, CancellationToken cancellationToken)
    {
        var summary = JobSummary.From(view);
        var tasks = new List<Task>();
        if (job.CallbackUrl is not null && Uri.TryCreate(job.CallbackUrl, UriKind.Absolute, out var url))
            tasks.Add(callbacks.SendAsync(url, summary, await secrets.GetAsync(job.Tenant, cancellationToken),
                cancellationToken));
        if (!string.IsNullOrEmpty(job.NotificationEmail))
            tasks.Add(email.SendAsync(job.NotificationEmail, summary, cancellationToken));
        await Task.WhenAll(tasks);
    }
}
