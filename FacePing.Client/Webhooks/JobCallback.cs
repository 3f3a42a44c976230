namespace FacePing.Client;

/// <summary>
/// The body of a job's callback: its counts and failed files, and <see cref="Error"/> when the whole job failed.
/// </summary>
public sealed record JobCallback(int TotalFiles, int SuccessCount, IReadOnlyList<JobFailure> Failed, string JobId,
    string GroupName, string Status, string? Error = null);

/// <summary>A callback that did not verify: missing headers, a stale timestamp, or no matching signature.</summary>
public sealed class WebhookVerificationException(string message) : Exception(message);
