namespace FacePing.Inference.Admission;

/// <summary>No room in the pixel budget within the wait: the request is shed (503 with Retry-After).</summary>
public sealed class AdmissionRefusedException(int retryAfterSeconds, string detail) : Exception(detail)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
