using System.Text.Json;
using FacePing.Client;

namespace FacePing.Console.Services;

/// <summary>
/// What went wrong with a call, as a person should see it: the Api's problem title and detail, its errors per field,
/// and how long to wait when it said so (429, 503). Never an exception's stack trace.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors,
    TimeSpan? RetryAfter)
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public static ApiProblem Local(string title, string? detail = null) => new(0, title, detail, NoErrors, null);

    public static ApiProblem Unreachable(Exception exception) => exception is TaskCanceledException or TimeoutException
        ? Local("The Api did not answer in time", "Try again; a large photo or a busy Api can take longer.")
        : Local("The Api cannot be reached", exception.Message);

    /// <summary>
    /// The problem a failed call stands for: the Api's answer, or why there was none; null for exceptions that are
    /// bugs, not answers (those propagate).
    /// </summary>
    public static ApiProblem? From(Exception exception) => exception switch
    {
        FacePingException p => new ApiProblem(p.Status, p.Title, p.Detail, p.Errors, p.RetryAfter),
        HttpRequestException or TaskCanceledException => Unreachable(exception),
        JsonException => Local("The Api sent an answer the console cannot read", exception.Message),
        _ => null,
    };

    /// <summary>The messages for one request field (the Api names fields in camelCase, as in its JSON).</summary>
    public IEnumerable<string> ErrorsFor(string field) =>
        Errors.Where(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Value);
}

/// <summary>An answer of the Api: its value, or the problem that took its place.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem) where T : class
{
    public static implicit operator ApiResult<T>(T value) => new(value, null);

    public static implicit operator ApiResult<T>(ApiProblem problem) => new(null, problem);
}
