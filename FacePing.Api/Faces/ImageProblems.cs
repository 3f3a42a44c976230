using FacePing.Api.Infrastructure;
using FacePing.Core.Inference;

namespace FacePing.Api.Faces;

/// <summary>The problem+json answers of the image endpoints, in one place so every endpoint words them alike.</summary>
public static class ImageProblems
{
    public static IResult Missing(string field) => Problems.Validation(field, $"An image is required in '{field}'.");

    public static IResult BadBase64(string field, string detail) => Problems.Validation(field, $"'{field}': {detail}");

    public static IResult TooLarge(string field, long maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Image too large",
        detail: $"'{field}' is larger than the limit of {maxBytes} bytes.");

    public static IResult UnsupportedContentType(string expected) => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported content type",
        detail: $"Send {expected}.");

    public static IResult NoFace(string field) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "No face found",
        detail: $"No usable face was found in '{field}'.",
        extensions: new Dictionary<string, object?> { ["image"] = field });

    public static IResult Rejected(ImageRejectedException ex, string field) => TypedResults.Problem(
        statusCode: ex.Status,
        title: ex.Title,
        detail: $"'{field}': {ex.Detail ?? ex.Title}",
        extensions: new Dictionary<string, object?> { ["image"] = field });

    public static IResult InferenceDown(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Face inference unavailable",
            detail: "The face inference service is not reachable; try again shortly.");
    }
}
