using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace FacePing.Api.RequestGuards;

/// <summary>
/// Request bodies whose text encoding is wrong, which the framework reports as plain InvalidOperationExceptions (found
/// by fuzzing; both were 500s): a JSON content type naming an unknown charset is a 415, and a JSON string holding
/// bytes that are not UTF-8 (System.Text.Json checks them only when the string is read) is a 400.
/// </summary>
public sealed class EncodingExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
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
        else if (exception is InvalidOperationException { InnerException: ArgumentException } && UnknownCharset(context.Request) is { } charset)
        {
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported media type",
                Detail = $"The charset '{charset}' is not supported; send JSON as UTF-8.",
            };
        }
        else
        {
            return false;
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
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
