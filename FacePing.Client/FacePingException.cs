using System.Net;
using System.Text.Json;

namespace FacePing.Client;

/// <summary>
/// A problem the FacePing API answered (RFC 9457 problem+json): its type, title, status and detail, the errors per
/// request field of a validation problem, the <c>Retry-After</c> of a 429 or 503, and every other member of the
/// problem (for example <c>quality</c> and <c>reasons</c> of a face below the quality bar, or <c>redis</c> of a 503)
/// in <see cref="Extensions"/>. Every answer of the API that is not a success becomes this one exception.
/// </summary>
public sealed class FacePingException : Exception
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
    private static readonly IReadOnlyDictionary<string, JsonElement> NoExtensions =
        new Dictionary<string, JsonElement>();

    /// <summary>A problem; made by the client from an answer, public for tests of code that handles it.</summary>
    public FacePingException(int status, string title, string? detail = null, string? type = null,
        IReadOnlyDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null,
        IReadOnlyDictionary<string, JsonElement>? extensions = null, string? instance = null)
        : base(detail is null ? $"{status} {title}" : $"{status} {title}: {detail}")
    {
        Status = status;
        Title = title;
        Detail = detail;
        Type = type;
        Errors = errors ?? NoErrors;
        RetryAfter = retryAfter;
        Extensions = extensions ?? NoExtensions;
        Instance = instance;
    }

    /// <summary>The HTTP status (400, 404, 409, 422, 429, 503…).</summary>
    public int Status { get; }

    /// <summary>The status as an enum, for <c>switch</c>es.</summary>
    public HttpStatusCode StatusCode => (HttpStatusCode)Status;

    /// <summary>The problem's type URI (<c>about:blank</c> or an RFC section if the API has none of its own).</summary>
    public string? Type { get; }

    /// <summary>A short summary, the same for every occurrence (e.g. "Not found", "Invalid request").</summary>
    public string Title { get; }

    /// <summary>What went wrong this time, worded for a person.</summary>
    public string? Detail { get; }

    /// <summary>The problem's instance URI, when the API gives one.</summary>
    public string? Instance { get; }

    /// <summary>Messages per request field, named as in the API's JSON (<c>vectorString</c>, <c>topK</c>…).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>How long the API asked to wait before trying again (429, 503), when it said so.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The problem's other members, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; }

    /// <summary>The messages for one field, matched case-insensitively.</summary>
    public IEnumerable<string> ErrorsFor(string field) =>
        Errors.Where(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Value);
}
