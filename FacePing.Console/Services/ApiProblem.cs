using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

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
    /// Reads an error answer: RFC 9457 problem+json when the Api sent one, the status line otherwise.
    /// </summary>
    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var title = response.ReasonPhrase is { Length: > 0 } reason ? reason : ((HttpStatusCode)status).ToString();
        string? detail = null;
        IReadOnlyDictionary<string, string[]> errors = NoErrors;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is "application/problem+json" or "application/json")
        {
            try
            {
                var body = await response.Content.ReadFromJsonAsync<ProblemBody>(cancellationToken);
                if (body?.Title is { Length: > 0 } t) title = t;
                detail = body?.Detail;
                if (body?.Errors is { Count: > 0 } e) errors = e;
            }
            catch (JsonException)
            {
                // Not a problem document after all: the status line is all there is to show.
            }
        }
        return new ApiProblem(status, title, detail, errors, RetryAfterOf(response));
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The messages for one request field (the Api names fields in camelCase, as in its JSON).</summary>
    public IEnumerable<string> ErrorsFor(string field) =>
        Errors.Where(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Value);

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}

/// <summary>An answer of the Api: its value, or the problem that took its place.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem) where T : class
{
    public static implicit operator ApiResult<T>(T value) => new(value, null);

    public static implicit operator ApiResult<T>(ApiProblem problem) => new(null, problem);
}
