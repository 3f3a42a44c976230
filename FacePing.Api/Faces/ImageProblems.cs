using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FacePing.Api.Faces;

/// <summary>
/// Problems of reading an image out of a request, worded once. All are <see cref="ProblemHttpResult"/> (validation
/// ones carry <c>errors</c> like any validation problem), so image handlers keep one typed result for them.
/// </summary>
public static class ImageProblems
{
    public static ProblemHttpResult Missing(string field) => Invalid(field, $"An image is required in '{field}'.");

    public static ProblemHttpResult BadBase64(string field, string detail) => Invalid(field, $"'{field}': {detail}");

    public static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = message,
        });

    public static ProblemHttpResult TooLarge(string field, long maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Image too large",
        detail: $"'{field}' is larger than the limit of {maxBytes} bytes.");

    public static ProblemHttpResult UnsupportedContentType(string expected) => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported content type",
        detail: $"Send {expected}.");
}
