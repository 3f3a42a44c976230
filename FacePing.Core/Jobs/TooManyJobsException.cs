namespace FacePing.Core.Jobs;

/// <summary>
/// The tenant already has <see cref="Limit"/> jobs queued or running; the new one was not stored (the Api answers
/// 429 with Retry-After).
/// </summary>
public sealed class TooManyJobsException(int limit)
    : Exception($"This tenant already has {limit} unfinished jobs (queued or running), the most it may have")
{
    public int Limit { get; } = limit;
}
