using FacePing.Api.Faces;
using FacePing.Core.Inference;
using FacePing.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// Every problem the API answers, worded once. Handlers return them as typed results; ProblemExceptionHandler writes
/// the same details for the exceptions handlers let propagate (store and inference outcomes), so an error reads alike
/// whichever path produced it.
/// </summary>
public static class Problems
{
    public const int RetryAfterSeconds = 5;

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail ?? "One or more fields are invalid; see errors.",
            title: "Invalid request");

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, message);

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(Details(404, "Not found", detail));

    public static ProblemHttpResult GroupNotFound(string group) => TypedResults.Problem(GroupNotFoundDetails(group));

    public static ProblemDetails GroupNotFoundDetails(string group) =>
        Details(404, "Not found", $"Group '{group}' does not exist. Create it with POST /groups/{group}.");

    /// <summary>Clusters asked for before their job completed (or of a job that failed).</summary>
    public static ProblemHttpResult ClustersNotReady(string jobId, string status, string? error) =>
        TypedResults.Problem(Details(409, "Conflict", status == Core.Jobs.JobStatus.Failed
            ? $"Cluster job '{jobId}' failed: {error}"
            : $"Cluster job '{jobId}' is {status}; its clusters are listed once it has completed."));

    public static ProblemDetails GroupExistsDetails(string group) =>
        Details(409, "Conflict", $"Group '{group}' already exists.");

    /// <summary>
    /// A vector (or face vector) whose length is not the group's; the field is the request's <c>vectorString</c>.
    /// </summary>
    public static ProblemDetails DimensionMismatchDetails(DimensionMismatchException e)
    {
        var details = new HttpValidationProblemDetails(
            new Dictionary<string, string[]> { ["vectorString"] = [e.Message] })
        {
            Status = 400,
            Title = "Dimension mismatch",
            Detail = e.Message,
        };
        details.Extensions["expectedDimensions"] = e.Expected;
        details.Extensions["actualDimensions"] = e.Actual;
        return details;
    }

    public static ProblemDetails ModelMismatchDetails(ModelMismatchException e)
    {
        var details = Details(409, "Model mismatch", e.Message);
        details.Extensions["groupModel"] = e.GroupModel;
        details.Extensions["model"] = e.Model;
        return details;
    }

    public static ProblemDetails NoFaceDetails(NoFaceException e) =>
        WithImage(Details(422, "No face found", $"No usable face was found in '{e.Field}'."), e.Field);

    public static ProblemDetails LowQualityDetails(LowQualityException e)
    {
        var details = WithImage(Details(422, "Face quality too low", e.Message), e.Field);
        details.Extensions["quality"] = e.Quality;
        details.Extensions["reasons"] = e.Reasons;
        details.Extensions["minQuality"] = e.Minimum;
        return details;
    }

    /// <summary>The Inference service refused the image (400 empty, 413 too many pixels, 415 undecodable).</summary>
    public static ProblemDetails ImageRejectedDetails(ImageRejectedException e) => e.Field is { } field
        ? WithImage(Details(e.Status, e.Title, $"'{field}': {e.Detail ?? e.Title}"), field)
        : Details(e.Status, e.Title, e.Detail ?? e.Title);

    /// <summary>Redis cannot serve the request for now (<see cref="RedisFailures"/>): the failure's own wording, and
    /// its code under <c>redis</c> (unreachable, timeout, readonly, loading, masterdown, not-durable…) for clients
    /// and operators to tell a failover from an outage.</summary>
    public static ProblemDetails StoreUnavailableDetails(RedisFailure failure)
    {
        var details = Details(503, "Service unavailable", failure.Detail);
        details.Extensions["redis"] = failure.Code;
        return details;
    }

    /// <summary>Type of <see cref="WriteNotDurableDetails"/>.</summary>
    public const string WriteNotDurableType = "urn:faceping:problem:write-not-durable";

    /// <summary>Type of the <c>Idempotency-Key</c> problems (422 reused with another request, 409 in flight).</summary>
    public const string IdempotencyKeyType = "urn:faceping:problem:idempotency-key";

    /// <summary>
    /// 202: the write was applied (it is visible and stays unless the machine or the primary is lost before the
    /// promise is kept) but the durability mode's confirmation did not come in time. Not an invitation to repeat the
    /// write: <c>applied</c> is true, <c>durability</c> names the promise not confirmed (local: the primary's disk,
    /// replica: a replica), and <c>result</c> (when the endpoint has one) the answer the request would have had.
    /// </summary>
    public static ProblemDetails WriteNotDurableDetails(DurabilityException e)
    {
        var details = new ProblemDetails
        {
            Status = StatusCodes.Status202Accepted,
            Type = WriteNotDurableType,
            Title = "Applied, not yet durable",
            Detail = e.Message,
        };
        details.Extensions["applied"] = true;
        details.Extensions["durability"] = e.Pending;
        return details;
    }

    public static ProblemHttpResult IdempotencyKeyReused(string key) => IdempotencyKey(
        StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
        $"Idempotency-Key '{key}' was used with another request (method, path, query or body) within 24 h; " +
        "use a new key for a new request.");

    public static ProblemHttpResult IdempotencyKeyInFlight(string key) => IdempotencyKey(
        StatusCodes.Status409Conflict, "Idempotency-Key in use",
        $"The first request with Idempotency-Key '{key}' has not finished yet; retry after Retry-After " +
        "to get its answer.");

    private static ProblemHttpResult IdempotencyKey(int status, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails
        { Status = status, Type = IdempotencyKeyType, Title = title, Detail = detail });

    public static ProblemDetails InferenceUnavailableDetails() =>
        Details(503, "Service unavailable", "The face inference service is unreachable; retry shortly.");

    private static ProblemDetails Details(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static ProblemDetails WithImage(ProblemDetails details, string field)
    {
        details.Extensions["image"] = field;
        return details;
    }
}
