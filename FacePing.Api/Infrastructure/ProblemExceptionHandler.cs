using System.Text.Json;
using FacePing.Core.Inference;
using FacePing.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// Turns exceptions into problem+json: store outcomes (404/409/400), unreadable requests (400/413), an unreachable
/// Redis or inference service (503 with Retry-After) and images the inference service rejected (its 400/413/415).
/// Anything else is a 500 without internals. Endpoints may therefore let these exceptions propagate.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = new ProblemDetails();
        switch (exception)
        {
            case GroupNotFoundException e:
                (problem.Status, problem.Title, problem.Detail) = (404, "Not found", e.Message);
                break;
            case GroupAlreadyExistsException e:
                (problem.Status, problem.Title, problem.Detail) = (409, "Conflict", e.Message);
                break;
            case DimensionMismatchException e:
                problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["vector"] = [e.Message] });
                (problem.Status, problem.Title, problem.Detail) = (400, "Dimension mismatch", e.Message);
                problem.Extensions["expectedDimensions"] = e.Expected;
                problem.Extensions["actualDimensions"] = e.Actual;
                break;
            case ModelMismatchException e:
                (problem.Status, problem.Title, problem.Detail) = (409, "Model mismatch", e.Message);
                problem.Extensions["groupModel"] = e.GroupModel;
                problem.Extensions["model"] = e.Model;
                break;
            case BadHttpRequestException { InnerException: JsonException json }:
                problem = JsonProblem(json);
                break;
            case BadHttpRequestException e:
                problem.Status = e.StatusCode;
                problem.Title = e.StatusCode == 413 ? "Request body too large" : "Bad request";
                problem.Detail = e.StatusCode == 413 ? "The request body is larger than this endpoint accepts." : e.Message;
                break;
            case JsonException e:
                problem = JsonProblem(e);
                break;
            case RedisConnectionException or RedisTimeoutException:
                logger.LogWarning(exception, "Redis unavailable");
                (problem.Status, problem.Title, problem.Detail) = (503, "Service unavailable", "The data store is unreachable; retry shortly.");
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
                break;
            case InferenceUnavailableException:
                logger.LogWarning(exception, "Inference unavailable");
                (problem.Status, problem.Title, problem.Detail) = (503, "Service unavailable", "The face inference service is unreachable; retry shortly.");
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
                break;
            case ImageRejectedException e:
                (problem.Status, problem.Title, problem.Detail) = (e.Status, e.Title, e.Detail);
                break;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true; // The client left; nobody reads an answer.
            default:
                return false; // The framework's handler logs it and writes a bare 500 problem.
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
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
