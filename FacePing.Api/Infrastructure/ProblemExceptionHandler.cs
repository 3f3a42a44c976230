using System.Globalization;
using System.Text.Json;
using FacePing.Api.Faces;
using FacePing.Core.Inference;
using FacePing.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// The one place that turns exceptions into problem+json, with the wording of <see cref="Problems"/>: store outcomes
/// (404/409/400), images without a face or refused by the Inference service (422 and its 400/413/415), unreadable
/// requests (400/413), a Redis that cannot serve for now (unreachable, failing over, loading:
/// <see cref="RedisFailures"/>) or an unreachable Inference service (503 with Retry-After), and a write applied but
/// not confirmed durable (202 write-not-durable). Handlers let
/// these propagate instead of catching them; anything else is a 500 without internals.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception,
        CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case GroupNotFoundException e:
                problem = Problems.GroupNotFoundDetails(e.Group);
                break;
            case GroupAlreadyExistsException e:
                problem = Problems.GroupExistsDetails(e.Group);
                break;
            case DimensionMismatchException e:
                problem = Problems.DimensionMismatchDetails(e);
                break;
            case ModelMismatchException e:
                problem = Problems.ModelMismatchDetails(e);
                break;
            case NoFaceException e:
                problem = Problems.NoFaceDetails(e);
                break;
            case LowQualityException e:
                problem = Problems.LowQualityDetails(e);
                break;
            case ImageRejectedException e:
                problem = Problems.ImageRejectedDetails(e);
                break;
            case BadHttpRequestException { InnerException: JsonException json }:
                problem = JsonProblem(json);
                break;
            case BadHttpRequestException e:
                problem = new ProblemDetails
                {
                    Status = e.StatusCode,
                    Title = e.StatusCode == 413 ? "Request body too large" : "Bad request",
                    Detail = e.StatusCode == 413 ? "The request body is larger than this endpoint accepts." : e.Message,
                };
                break;
            case JsonException e:
                problem = JsonProblem(e);
                break;
            case DurabilityException { Applied: true } e:
                // Applied: never answered as if it had not happened (and so never 503, which invites a repeat).
                logger.LogWarning("Redis write applied but not confirmed durable: {Error}", e.Message);
                problem = Problems.WriteNotDurableDetails(e);
                break;
            case RedisException or RedisTimeoutException when RedisFailures.Classify(exception) is { } failure:
                // Unreachable or slow, a failover (READONLY, MASTERDOWN), a restart (LOADING), a full or failing
                // server, or a write whose durability policy did not hold: all pass, so 503 with Retry-After.
                logger.LogWarning("Redis {Failure}: {Error}", failure.Code, exception.Message);
                problem = Problems.StoreUnavailableDetails(failure);
                context.Response.Headers.RetryAfter = failure.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                break;
            case InferenceUnavailableException:
                logger.LogWarning(exception, "Inference unavailable");
                problem = Problems.InferenceUnavailableDetails();
                context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds.ToString();
                break;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true; // The client left; nobody reads an answer.
            default:
                return false; // The framework's handler logs it and writes a bare 500 problem.
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(
            new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    // The serializer's message names our CLR types; the client only needs where in its JSON the problem is.
    private static ProblemDetails JsonProblem(JsonException e)
    {
        var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
        var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        var message = $"Malformed JSON or a value of the wrong type at {path}{where}.";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [path] = [message] })
        {
            Status = 400,
            Title = "Invalid JSON body",
            Detail = message,
        };
    }
}
