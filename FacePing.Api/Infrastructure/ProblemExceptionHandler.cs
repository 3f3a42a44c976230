using System.Globalization;
using System.Text;
using System.Text.Json;
using FacePing.Api.Faces;
using FacePing.Api.Jobs;
using FacePing.Contracts.Problems;
using FacePing.Core.Faces;
using FacePing.Core.Inference;
using FacePing.Core.Jobs;
using FacePing.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using StackExchange.Redis;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// The one place that maps exceptions to problem+json, with the problems of <see cref="ProblemCatalogue"/>: store
/// outcomes (404/409/400), the face service's (no face, quality too low: 422) and the Inference service's refusals of
/// an image (400/413/415), images a request did not carry readably (<see cref="ImageRequestException"/>), unreadable
/// requests (400/413/415), a Redis that cannot serve for now (unreachable, failing over, loading:
/// <see cref="RedisFailures"/>) or an unreachable or full Inference service (503 with Retry-After), a write applied
/// but not confirmed durable (202 write-not-durable), and a tenant past its cap on unfinished jobs (429 with
/// Retry-After). Handlers let these propagate instead of catching them; anything else is a 500 without internals.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, IOptions<JobsOptions> jobLimits,
    ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception,
        CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
            return true; // The client left; nobody reads an answer.
        if ((Map(exception, out var retryAfter) ?? MapBrokenBody(context.Request, exception)) is not { } problem)
            return false; // The framework's handler logs it and writes the catalogue's 500.
        if (retryAfter is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(
            new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private ProblemDetails? Map(Exception exception, out int? retryAfter)
    {
        if (exception is TooManyJobsException tooMany)
        {
            retryAfter = jobLimits.Value.RetryAfterSeconds;
            return ProblemCatalogue.RateLimited(tooMany.Message, retryAfter.Value);
        }
        retryAfter = null;
        switch (exception)
        {
            case GroupNotFoundException e:
                return ProblemCatalogue.GroupNotFound(e.Group);
            case GroupAlreadyExistsException e:
                return ProblemCatalogue.GroupExists(e.Group);
            case DimensionMismatchException e:
                return ProblemCatalogue.DimensionsDiffer(e.Message, e.Expected, e.Actual);
            case ModelMismatchException e:
                return ProblemCatalogue.ModelsDiffer(e.Message, e.GroupModel, e.Model);
            case NoFaceException e:
                return ProblemCatalogue.NoFaceIn(e.Field, e.Message);
            case LowQualityException e:
                return ProblemCatalogue.QualityTooLow(e.Field, e.Message, e.Quality, e.Reasons, e.Minimum);
            case ImageRejectedException e:
                return ProblemCatalogue.ImageRefused(e.Status, e.Detail ?? e.Title, e.Field);
            case ImageRequestException e:
                return e.Problem;
            case BadHttpRequestException { InnerException: JsonException json }:
                return ProblemCatalogue.MalformedJson(json.Path, json.LineNumber, json.BytePositionInLine);
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return ProblemCatalogue.BodyOverLimit();
            case BadHttpRequestException e:
                return ProblemCatalogue.ForStatus(e.StatusCode).Create(e.Message);
            case JsonException e:
                return ProblemCatalogue.MalformedJson(e.Path, e.LineNumber, e.BytePositionInLine);
            case DurabilityException { Applied: true } e:
                // Applied: never answered as if it had not happened (and so never 503, which invites a repeat).
                logger.LogWarning("Redis write applied but not confirmed durable: {Error}", e.Message);
                return ProblemCatalogue.AppliedNotDurable(e.Message, e.Pending);
            case RedisException or RedisTimeoutException when RedisFailures.Classify(exception) is { } failure:
                // Unreachable or slow, a failover (READONLY, MASTERDOWN), a restart (LOADING), a full or failing
                // server, or a write refused before it was applied: all pass, so 503 with Retry-After.
                logger.LogWarning("Redis {Failure}: {Error}", failure.Code, exception.Message);
                retryAfter = failure.RetryAfterSeconds;
                return ProblemCatalogue.StoreUnavailable(failure.Detail, failure.Code);
            case InferenceUnavailableException { AtCapacity: true } e:
                // Shed by Inference's pixel budget: its 503 and its wait pass through unchanged.
                logger.LogInformation("Inference at capacity; answered 503 with its Retry-After");
                retryAfter = e.RetryAfterSeconds ?? ProblemCatalogue.RetryAfterSeconds;
                return ProblemCatalogue.InferenceAtCapacity();
            case InferenceUnavailableException:
                logger.LogWarning(exception, "Inference unavailable");
                retryAfter = ProblemCatalogue.RetryAfterSeconds;
                return ProblemCatalogue.InferenceUnavailable();
            default:
                return null;
        }
    }

    /// <summary>
    /// Broken request bodies that the framework reports as plain InvalidOperationException/IOException (all found by
    /// fuzzing; each was a 500): a JSON content type naming an unknown charset is a 415; a JSON string holding bytes
    /// that are not UTF-8 or an unpaired UTF-16 escape such as <c>"\ud800"</c> (System.Text.Json checks strings only
    /// when one is read, which for JsonElement, JsonDocument and property names is after binding succeeded, wherever
    /// the Api reads it) is a 400; a multipart body that ends before its closing boundary is a 400.
    /// </summary>
    private static ProblemDetails? MapBrokenBody(HttpRequest request, Exception exception)
    {
        if (exception is InvalidOperationException { InnerException: DecoderFallbackException })
            return ProblemCatalogue.MalformedBody("The request body contains text that is not valid UTF-8.");
        if (exception is InvalidOperationException { Source: JsonTextFailure } && request.HasJsonContentType())
            return ProblemCatalogue.MalformedBody("A JSON string in the request body is not valid text: it holds an " +
                "unpaired UTF-16 surrogate escape (\\uD800–\\uDFFF without its pair) or bytes that are not UTF-8.");
        if (exception is InvalidOperationException { InnerException: ArgumentException }
            && UnknownCharset(request) is { } charset)
            return ProblemCatalogue.CharsetNotSupported(charset);
        // The client is still there (not a disconnect): its multipart body is truncated or its boundary is wrong.
        if (exception is IOException && !request.HttpContext.RequestAborted.IsCancellationRequested
            && request.HasFormContentType)
            return ProblemCatalogue.MalformedBody(
                "The multipart body is malformed: it ends before its closing boundary.");
        return null;
    }

    /// <summary>
    /// How System.Text.Json marks the InvalidOperationExceptions of reading a JSON token's text (an unpaired surrogate
    /// escape, bytes that are not UTF-8, a token of another type): its own deserializer turns exactly these into a
    /// JsonException, which the Api answers 400; JsonElement and JsonDocument let them through as they are.
    /// </summary>
    private const string JsonTextFailure = "System.Text.Json.Rethrowable";

    private static string? UnknownCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.Charset.Length == 0) return null;
        var charset = type.Charset.ToString().Trim('"');
        try
        {
            _ = Encoding.GetEncoding(charset);
            return null;
        }
        catch (ArgumentException)
        {
            return charset;
        }
    }
}
