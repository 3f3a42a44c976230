using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace FacePing.Contracts.Problems;

/// <summary>
/// Every problem FacePing's services answer (RFC 9457 problem+json), worded once: the kinds (status, title, and the
/// <c>type</c> URI of the status), then the wording of each problem. Handlers, the exception mapping, authentication,
/// rate limits, body limits, status-code pages and the Inference service all build their bodies from here.
/// A new problem is one line in the list of kinds, plus a method below when its wording takes values
/// (docs/architecture.md).
/// </summary>
public static class ProblemCatalogue
{
    // The kinds. Titles are short and fixed per kind; the detail says what happened this time.
    public static readonly ProblemKind InvalidRequest = new(400, "Invalid request");
    public static readonly ProblemKind InvalidQuery = new(400, "Invalid query");
    public static readonly ProblemKind InvalidJson = new(400, "Invalid JSON body");
    public static readonly ProblemKind BadRequest = new(400, "Bad request");
    public static readonly ProblemKind DimensionMismatch = new(400, "Dimension mismatch");
    public static readonly ProblemKind EmptyImage = new(400, "Empty image");
    public static readonly ProblemKind Unauthorized = new(401, "Unauthorized");
    public static readonly ProblemKind Forbidden = new(403, "Forbidden");
    public static readonly ProblemKind NotFound = new(404, "Not found");
    public static readonly ProblemKind MethodNotAllowed = new(405, "Method not allowed");
    public static readonly ProblemKind Conflict = new(409, "Conflict");
    public static readonly ProblemKind ModelMismatch = new(409, "Model mismatch");
    public static readonly ProblemKind BodyTooLarge = new(413, "Request body too large");
    public static readonly ProblemKind ImageTooLarge = new(413, "Image too large");
    public static readonly ProblemKind UnsupportedContentType = new(415, "Unsupported content type");
    public static readonly ProblemKind UnsupportedCharset = new(415, "Unsupported media type");
    public static readonly ProblemKind UnsupportedImage = new(415, "Unsupported image");
    public static readonly ProblemKind UriTooLong = new(414, "URI too long");
    public static readonly ProblemKind HeadersTooLarge = new(431, "Request header fields too large");
    public static readonly ProblemKind NoFace = new(422, "No face found");
    public static readonly ProblemKind LowQuality = new(422, "Face quality too low");
    public static readonly ProblemKind TooManyRequests = new(429, "Too many requests");
    public static readonly ProblemKind Unexpected = new(500, "Internal server error");
    public static readonly ProblemKind Unavailable = new(503, "Service unavailable");

    // Kinds of FacePing's own, with a type of their own (docs/operations.md says what a client does with each).
    public static readonly ProblemKind WriteNotDurable =
        new(202, "Applied, not yet durable", OwnType + "write-not-durable");
    public static readonly ProblemKind IdempotencyKeyReused =
        new(422, "Idempotency-Key reused", OwnType + "idempotency-key");
    public static readonly ProblemKind IdempotencyKeyInUse =
        new(409, "Idempotency-Key in use", OwnType + "idempotency-key");

    /// <summary>The prefix of the types of FacePing's own kinds.</summary>
    public const string OwnType = "urn:faceping:problem:";

    /// <summary>Seconds a client waits before retrying when a dependency (Inference) is unreachable.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// The <c>type</c> of a status: its section of RFC 9110 (429: RFC 6585), else <c>about:blank</c>.
    /// </summary>
    public static string TypeOf(int status) => status switch
    {
        >= 400 and <= 418 => Section("15.5.", status - 399),
        421 => Section("15.5.", 20),
        422 => Section("15.5.", 21),
        426 => Section("15.5.", 22),
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        431 => "https://tools.ietf.org/html/rfc6585#section-5",
        >= 500 and <= 505 => Section("15.6.", status - 499),
        _ => "about:blank",
    };

    private static string Section(string chapter, int number) =>
        Rfc9110 + chapter + number.ToString(CultureInfo.InvariantCulture);

    private const string Rfc9110 = "https://tools.ietf.org/html/rfc9110#section-";

    /// <summary>The kind a bare status stands for (status-code pages), else one titled by the status alone.</summary>
    public static ProblemKind ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => BodyTooLarge,
        414 => UriTooLong,
        415 => UnsupportedContentType,
        429 => TooManyRequests,
        431 => HeadersTooLarge,
        500 => Unexpected,
        503 => Unavailable,
        _ => new ProblemKind(status, ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error"),
    };

    /// <summary>
    /// <c>CustomizeProblemDetails</c> of every service: the few problems the framework writes itself (an unhandled
    /// exception's 500) get this catalogue's type, title and wording too.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Status is not { } status) return;
        if (problem.Type?.StartsWith(OwnType, StringComparison.Ordinal) != true) problem.Type = TypeOf(status);
        if (status == 500 && context.Exception is not null)
        {
            problem.Title = Unexpected.Title;
            problem.Detail = "An unexpected error occurred; it has been logged.";
        }
    }

    /// <summary>A status written without a body (an unknown route, a wrong method): the kind of the status.</summary>
    public static ProblemDetails ForBareStatus(int status, string path) =>
        ForStatus(status).Create(status switch
        {
            404 => $"Nothing is found at '{path}'.",
            405 => $"'{path}' does not accept this method.",
            _ => ForStatus(status).Title + ".",
        });

    // The wording. Validation problems list every bad field under errors.

    public static HttpValidationProblemDetails Validation(IDictionary<string, string[]> errors,
        string? detail = null) =>
        InvalidRequest.Create(detail ?? "One or more fields are invalid; see errors.", errors);

    public static HttpValidationProblemDetails Validation(string field, string message) =>
        InvalidRequest.CreateFor(field, message);

    public static ProblemDetails GroupNotFound(string group) =>
        NotFound.Create($"Group '{group}' does not exist. Create it with POST /groups/{group}.");

    public static ProblemDetails GroupExists(string group) => Conflict.Create($"Group '{group}' already exists.");

    public static ProblemDetails VectorNotFound(string id) => NotFound.Create($"Vector '{id}' does not exist.");

    public static ProblemDetails JobNotFound(string id) => NotFound.Create($"Job '{id}' does not exist.");

    public static ProblemDetails ClusterJobNotFound(string id) =>
        NotFound.Create($"Cluster job '{id}' does not exist.");

    public static ProblemDetails KeyNotFound(string id) => NotFound.Create($"Key '{id}' does not exist.");

    /// <summary>A revoked key named where only an active one may act (a 404: it no longer exists as a key).</summary>
    public static ProblemDetails KeyRevoked(string id) =>
        NotFound.Create($"Key '{id}' is revoked; name an active key of the tenant.");

    /// <summary>Clusters asked for before their job completed (or of a job that failed).</summary>
    public static ProblemDetails ClustersNotReady(string jobId, string status, string? error, bool failed) =>
        Conflict.Create(failed
            ? $"Cluster job '{jobId}' failed: {error}"
            : $"Cluster job '{jobId}' is {status}; its clusters are listed once it has completed.");

    /// <summary>A vector whose length is not the group's; the field is the request's <c>vectorString</c>.</summary>
    public static HttpValidationProblemDetails DimensionsDiffer(string message, int expected, int actual) =>
        DimensionMismatch.CreateFor("vectorString", message)
            .With("expectedDimensions", expected).With("actualDimensions", actual);

    public static ProblemDetails ModelsDiffer(string message, string groupModel, string model) =>
        ModelMismatch.Create(message).With("groupModel", groupModel).With("model", model);

    public static ProblemDetails NoFaceIn(string field, string message) => NoFace.Create(message).WithImage(field);

    public static ProblemDetails QualityTooLow(string field, string message, object quality,
        IReadOnlyList<string> reasons, double minimum) =>
        LowQuality.Create(message).WithImage(field)
            .With("quality", quality).With("reasons", reasons).With("minQuality", minimum);

    /// <summary>
    /// The image was refused (by the Inference service: 400 empty, 413 too many pixels, 415 undecodable).
    /// </summary>
    public static ProblemDetails ImageRefused(int status, string detail, string? field)
    {
        var kind = status switch
        {
            400 => EmptyImage,
            413 => ImageTooLarge,
            415 => UnsupportedImage,
            _ => ForStatus(status),
        };
        return field is null ? kind.Create(detail) : kind.Create($"'{field}': {detail}").WithImage(field);
    }

    public static HttpValidationProblemDetails ImageMissing(string field) =>
        InvalidRequest.CreateFor(field, $"An image is required in '{field}'.");

    public static HttpValidationProblemDetails BadBase64(string field, string detail) =>
        InvalidRequest.CreateFor(field, $"'{field}': {detail}");

    public static ProblemDetails ImageOverLimit(string field, long maxBytes) =>
        ImageTooLarge.Create($"'{field}' is larger than the limit of {maxBytes} bytes.");

    /// <summary>An Inference request body over its limit (<paramref name="actual"/> when it was declared).</summary>
    public static ProblemDetails ImageBodyOverLimit(long? actual, long limit) =>
        ImageTooLarge.Create(actual is { } n
            ? $"The body is {n:N0} bytes; the limit is {limit:N0} bytes."
            : $"The body exceeds the limit of {limit:N0} bytes.");

    public static ProblemDetails ContentTypeNotAccepted(string expected) =>
        UnsupportedContentType.Create($"Send {expected}.");

    public static ProblemDetails CharsetNotSupported(string charset) =>
        UnsupportedCharset.Create($"The charset '{charset}' is not supported; send JSON as UTF-8.");

    /// <summary>A body over the endpoint's limit: declared (<paramref name="actual"/>) or cut off while read.</summary>
    public static ProblemDetails BodyOverLimit(long? actual = null, long? limit = null) =>
        BodyTooLarge.Create(actual is { } n && limit is { } max
            ? $"The request body is {n} bytes; this endpoint accepts at most {max}."
            : "The request body is larger than this endpoint accepts.");

    /// <summary>A request target (path and query) longer than the server reads.</summary>
    public static ProblemDetails TargetOverLimit(int length, int limit) =>
        UriTooLong.Create($"The request target (path and query) is {length} characters; at most {limit} are read. " +
            "Send long inputs in a request body.");

    /// <summary>Request headers over the server's total size or count.</summary>
    public static ProblemDetails HeadersOverLimit(int bytes, int count, int maxBytes, int maxCount) =>
        HeadersTooLarge.Create(count > maxCount
            ? $"The request has {count} header fields; at most {maxCount} are read."
            : $"The request header fields take {bytes} bytes; at most {maxBytes} are read.");

    public static HttpValidationProblemDetails MalformedBody(string message) =>
        InvalidRequest.CreateFor("body", message);

    /// <summary>JSON the serializer could not read, located for the client (never naming our CLR types).</summary>
    public static HttpValidationProblemDetails MalformedJson(string? path, long? line, long? bytePosition)
    {
        var at = string.IsNullOrEmpty(path) ? "$" : path;
        var where = line is { } l ? $" (line {l + 1}, byte {bytePosition + 1})" : "";
        var message = $"Malformed JSON or a value of the wrong type at {at}{where}.";
        return InvalidJson.Create(message, new Dictionary<string, string[]> { [at] = [message] });
    }

    public static ProblemDetails NotAuthenticated(string? reason) =>
        Unauthorized.Create(reason ?? "Send an API key as 'Authorization: Bearer <key>'.");

    public static ProblemDetails NotAllowed() => Forbidden.Create("This API key may not use this endpoint.");

    /// <summary>A 429: <paramref name="reason"/> starts the detail, which ends with the wait.</summary>
    public static ProblemDetails RateLimited(string reason, int retryAfterSeconds) =>
        TooManyRequests.Create($"{reason}; retry after {retryAfterSeconds} s.");

    /// <summary>Redis cannot serve for now: the failure's wording, and its code under <c>redis</c>.</summary>
    public static ProblemDetails StoreUnavailable(string detail, string code) =>
        Unavailable.Create(detail).With("redis", code);

    public static ProblemDetails InferenceUnavailable() =>
        Unavailable.Create("The face inference service is unreachable; retry shortly.");

    /// <summary>
    /// 503 (with Retry-After): the Inference service holds as many decoded pixels as its budget allows; the image
    /// was not looked at. Retrying after the wait is safe.
    /// </summary>
    public static ProblemDetails InferenceAtCapacity(string? detail = null) =>
        Unavailable.Create(detail ?? "The face inference service is at capacity; retry after Retry-After.");

    /// <summary>
    /// 202: the write was applied (it is readable, and stays unless the machine or the primary is lost before the
    /// promise is kept) but the durability mode's confirmation did not come in time. Not an invitation to repeat it:
    /// <c>applied</c> is true, <c>durability</c> names the promise not confirmed (local: the primary's disk, replica: a
    /// replica); the creating endpoints add <c>result</c>, the answer the request would have had.
    /// </summary>
    public static ProblemDetails AppliedNotDurable(string detail, string? pending) =>
        WriteNotDurable.Create(detail).With("applied", true).With("durability", pending);

    public static ProblemDetails IdempotencyKeyUsedElsewhere(string key) => IdempotencyKeyReused.Create(
        $"Idempotency-Key '{key}' was used with another request (method, path, query or body) within 24 h; " +
        "use a new key for a new request.");

    public static ProblemDetails IdempotencyKeyRunning(string key) => IdempotencyKeyInUse.Create(
        $"The first request with Idempotency-Key '{key}' has not finished yet; retry after Retry-After " +
        "to get its answer.");
}
