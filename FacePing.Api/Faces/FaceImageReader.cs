using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FacePing.Api.Faces;

/// <summary>
/// Reads the images of a face request: multipart file parts, or base64 / data-URL strings in a JSON object whose
/// property names match case-insensitively (the original service sends Face1, face1 or FACE1). Every failure is a
/// problem the handler returns as is.
/// </summary>
public static class FaceImageReader
{
    public const string Multipart = "multipart/form-data";
    public const string Json = "application/json";

    /// <summary>
    /// One image: the form part <paramref name="formField"/>, or the JSON property <paramref name="jsonField"/>.
    /// </summary>
    public static async Task<ImageReadResult> ReadOneAsync(HttpContext context, string formField, string jsonField,
        long maxBytes, CancellationToken cancellationToken)
    {
        if (context.Request.HasFormContentType)
            return await ReadFormImageAsync(context, formField, maxBytes, cancellationToken);
        if (!context.Request.HasJsonContentType())
            return ImageReadResult.Fail(
                ImageProblems.UnsupportedContentType($"{Multipart} with a '{formField}' file part, or {Json}"));
        var body = await ReadJsonAsync(context, cancellationToken);
        if (body.Problem is not null) return ImageReadResult.Fail(body.Problem);
        return ImageUpload.FromBase64(body.Get(jsonField), jsonField, maxBytes);
    }

    /// <summary>Two images named <paramref name="first"/> and <paramref name="second"/>, in either form.</summary>
    public static async Task<(ImageUpload? First, ImageUpload? Second, ProblemHttpResult? Problem)> ReadTwoAsync(
        HttpContext context, string first, string second, long maxBytes, CancellationToken cancellationToken)
    {
        ImageReadResult a, b;
        if (context.Request.HasFormContentType)
        {
            var form = await ReadFormAsync(context, cancellationToken);
            if (form.Problem is not null) return (null, null, form.Problem);
            a = await ImageUpload.FromFormFileAsync(form.Form!.Files.GetFile(first), first, maxBytes,
                cancellationToken);
            b = await ImageUpload.FromFormFileAsync(form.Form.Files.GetFile(second), second, maxBytes,
                cancellationToken);
        }
        else if (context.Request.HasJsonContentType())
        {
            var body = await ReadJsonAsync(context, cancellationToken);
            if (body.Problem is not null) return (null, null, body.Problem);
            a = ImageUpload.FromBase64(body.Get(first), first, maxBytes);
            b = ImageUpload.FromBase64(body.Get(second), second, maxBytes);
        }
        else
        {
            return (null, null, ImageProblems.UnsupportedContentType(
                $"{Multipart} with '{first}' and '{second}' file parts, or {Json}"));
        }
        return (a.Upload, b.Upload, a.Problem ?? b.Problem);
    }

    /// <summary>The multipart file part <paramref name="field"/>.</summary>
    public static async Task<ImageReadResult> ReadFormImageAsync(HttpContext context, string field, long maxBytes,
        CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
            return ImageReadResult.Fail(
                ImageProblems.UnsupportedContentType($"{Multipart} with a '{field}' file part"));
        var form = await ReadFormAsync(context, cancellationToken);
        if (form.Problem is not null) return ImageReadResult.Fail(form.Problem);
        return await ImageUpload.FromFormFileAsync(form.Form!.Files.GetFile(field), field, maxBytes, cancellationToken);
    }

    private static async Task<(IFormCollection? Form, ProblemHttpResult? Problem)> ReadFormAsync(HttpContext context,
        CancellationToken cancellationToken)
    {
        try
        {
            return (await context.Request.ReadFormAsync(cancellationToken), null);
        }
        catch (InvalidDataException ex)
        {
            return (null, ImageProblems.Invalid("body", $"The multipart body is malformed: {ex.Message}"));
        }
    }

    private static async Task<JsonBody> ReadJsonAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body,
                cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return new JsonBody(null, ImageProblems.Invalid("body", "The body must be a JSON object."));
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => "\u0000", // present but not a string: reported as malformed base64
                };
            }
            return new JsonBody(values, null);
        }
        catch (JsonException ex)
        {
            return new JsonBody(null,
                ImageProblems.Invalid("body", $"The request body is not valid JSON: {ex.Message}"));
        }
    }

    private sealed record JsonBody(Dictionary<string, string?>? Values, ProblemHttpResult? Problem)
    {
        public string? Get(string name) => Values is not null && Values.TryGetValue(name, out var v) ? v : null;
    }
}
