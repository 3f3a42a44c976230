namespace FacePing.Ingestion.Notifications;

/// <summary>What became of one callback attempt.</summary>
public enum CallbackOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,
    /// <summary>A 5xx, 408, 429, time-out or transport failure with attempts left: try again after the back-off.
    /// </summary>
    Retry,
    /// <summary>The last attempt failed as a retryable one would have.</summary>
    Failed,
    /// <summary>A 4xx other than 408/429, or the address guard refused the target: never retried.</summary>
    Refused,
}

/// <summary>One attempt's outcome and a short reason (HTTP status or failure).</summary>
public sealed record CallbackAttempt(CallbackOutcome Outcome, string Detail);
