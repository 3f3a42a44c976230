using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace FacePing.Api.RequestGuards;

/// <summary>
/// Broken request bodies that the framework reports as plain InvalidOperationException/IOException (all found by
/// fuzzing; each was a 500): a JSON content type naming an unknown charset is a 415; a JSON string holding bytes that
/// are not UTF-8 (System.Text.Json checks them only when the string is read) is a 400; a multipart body that ends
/// before its closing boundary is a 400.
/// </summary>
public sealed class RequestBodyExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception,
        CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is InvalidOperationException { InnerException: DecoderFallbackException })
        {
            const string detail = "The request body contains text that is not valid UTF-8.";
            problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = [detail] })
            {
                Status = StatusCodes.Status400BadRequest, Title = "Invalid request", Detail = detail,
            };
        }
        else if (exception is InvalidOperationException { InnerException: ArgumentException }
            && UnknownCharset(context.Request) is { } charset)
        {
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported media type",
                Detail = $"The charset '{charset}' is not supported; send JSON as UTF-8.",
            };
        }
        else if (exception is IOException && !context.RequestAborted.IsCancellationRequested
            && context.Request.HasFormContentType)
        {
            // The client is still there (not a disconnect): its multipart body is truncated or its boundary is wrong.
            const string detail = "The multipart body is malformed: it ends before its closing boundary.";
            problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = [detail] })
            {
                Status = StatusCodes.Status400BadRequest, Title = "Invalid request", Detail = detail,
            };
        }
        else
        {
            return false;
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context, ProblemDetails = problem, Exception = exception,
        });
    }

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
