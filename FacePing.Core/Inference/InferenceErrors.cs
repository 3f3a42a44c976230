namespace FacePing.Core.Inference;

/// <summary>The Inference service rejected the image (its status is passed on: 400, 413, 415 or 422).</summary>
public sealed class ImageRejectedException(int status, string title, string? detail) : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;

    /// <summary>The request field that held the image, when a request carries several (Face1, Face2).</summary>
    public string? Field { get; private init; }

    public ImageRejectedException ForField(string field) => new(Status, Title, Detail) { Field = field };
}

/// <summary>
/// The Inference service could not be reached, failed, or shed the request (<see cref="AtCapacity"/>: its pixel budget
/// was full); callers answer 503 with <see cref="RetryAfterSeconds"/> when the service named a wait.
/// </summary>
public sealed class InferenceUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The service's own Retry-After, when it shed the request.</summary>
    public int? RetryAfterSeconds { get; init; }

    public bool AtCapacity { get; init; }
}
