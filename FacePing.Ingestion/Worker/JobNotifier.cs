using FacePing.Core.Jobs;
using FacePing.Ingestion.Notifications;

namespace FacePing.Ingestion.Worker;

/// <summary>
/// Queues the end-of-job callback and e-mail the job asked for (<see cref="DeliveryQueue"/>); the
/// <see cref="DeliveryWorker"/> sends them outside the job's slot, so a slow or silent receiver never holds a slot
/// another job needs.
/// </summary>
public sealed class JobNotifier(DeliveryQueue queue)
{
    public async Task NotifyAsync(JobDefinition job, JobView view)
    {
        var callback = job.CallbackUrl is not null && Uri.TryCreate(job.CallbackUrl, UriKind.Absolute, out _)
            ? job.CallbackUrl
            : null;
        var email = string.IsNullOrEmpty(job.NotificationEmail) ? null : job.NotificationEmail;
        if (callback is null && email is null) return;
        await queue.EnqueueAsync(new PendingDelivery(job.Tenant, job.JobId, callback, email, JobSummary.From(view)));
    }
}
