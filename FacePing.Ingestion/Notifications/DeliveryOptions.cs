using System.ComponentModel.DataAnnotations;

namespace FacePing.Ingestion.Notifications;

/// <summary>
/// Bound from <c>FacePing:Deliveries</c>: the worker's delivery loop for end-of-job callbacks and e-mails
/// (<see cref="DeliveryWorker"/>). Attempts, time-out and back-off stay those of <c>FacePing:Callbacks</c>.
/// </summary>
public sealed class DeliveryOptions
{
    public const string Section = "FacePing:Deliveries";

    /// <summary>Deliveries one worker sends at the same time (a silent receiver holds one for its time-out).</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>How long the loop waits before asking the queue again when nothing was due.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A delivery taken by a worker is due again after this long unless that worker finished or rescheduled it, so a
    /// worker that dies mid-send leaves nothing undelivered. Must be longer than one attempt (callback time-out plus
    /// SMTP time-out, checked at start-up) so a live worker's send is not repeated.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
}
