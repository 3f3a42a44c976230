namespace FacePing.Client;

/// <summary>
/// The body of a job's callback: its counts and failed files, and <see cref="Error"/> when the whole job failed; a job
/// of every face (<see cref="FaceChoices.All"/>) also counts its faces stored and rejected.
/// </summary>
public sealed record JobCallback(int TotalFiles, int SuccessCount, IReadOnlyList<JobFailure> Failed, string JobId,
    string GroupName, string Status, string? Error = null, int? FacesStored = null, int? FacesRejected = null);

/// <summary>A callback that did not verify: missing headers, a stale timestamp, or no matching signature.</summary>
public sealed class WebhookVerificationException(string message) : Exception(message);
