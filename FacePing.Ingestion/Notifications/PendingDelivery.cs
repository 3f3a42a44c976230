using FacePing.Core.Jobs;

namespace FacePing.Ingestion.Notifications;

/// <summary>
/// A finished job's notifications waiting in the <see cref="DeliveryQueue"/>: the callback body and where it goes,
/// the e-mail address, and how far delivery got. Holds no secret: the callback is signed when it is sent.
/// </summary>
public sealed record PendingDelivery(
    string Tenant,
    string JobId,
    string? CallbackUrl,
    string? Email,
    JobSummary Summary,
    int CallbackAttempts = 0,
    bool EmailDone = false);
