using System.Text.Json;
using FacePing.Contracts.Problems;

namespace FacePing.Api.Faces;

/// <summary>
/// Reads the images of a face request: multipart file parts, or base64 / data-URL strings in a JSON object whose
/// property names match case-insensitively (the original service sends Face1, face1 or FACE1). A request that does not
/// carry them readably throws <see cref="ImageRequestException"/> with the catalogue's problem.
/// </summary>
public static class FaceImageReader
{
    public const string Multipart = "multipart/form-data";
    public const string Json = "application/json";

    /// <summary>One image: the form part or the JSON property <paramref name="field"/>.</summary>
    public static async Task<ImageUpload> ReadOneAsync(HttpContext context, string field, long maxBytes,
        CancellationToken cancellationToken)
    {
        if (context.Request.HasFormContentType)
            return await ReadFormImageAsync(context, field, maxBytes, cancellationToken);
        if (!context.Request.HasJsonContentType())
            throw Unsupported($"{Multipart} with a '{field}' file part, or {Json}");
        var body = await ReadJsonAsync(context, cancellationToken);
        return ImageUpload.FromBase64(body.Get(field), field, maxBytes);
    }

    /// <summary>Two images named <paramref name="first"/> and <paramref name="second"/>, in either form.</summary>
    public static async Task<(ImageUpload First, ImageUpload Second)> ReadTwoAsync(HttpContext context, string first,
        string second, long maxBytes, CancellationToken cancellationToken)
    {
        if (context.Request.HasFormContentType)
        {
            var form = await ReadFormAsync(context, cancellationToken);
            var a = await ImageUpload.FromFormFileAsync(form.Files.GetFile(first), first, maxBytes, cancellationToken);
            return (a, await ReadSecondAsync(a, () => ImageUpload.FromFormFileAsync(form.Files.GetFile(second),
                second, maxBytes, cancellationToken)));
        }
        if (context.Request.HasJsonContentType())
        {
            var body = await ReadJsonAsync(context, cancellationToken);
            var a = ImageUpload.FromBase64(body.Get(first), first, maxBytes);
            return (a, await ReadSecondAsync(a,
                () => Task.FromResult(ImageUpload.FromBase64(body.Get(second), second, maxBytes))));
        }
        throw Unsupported($"{Multipart} with '{first}' and '{second}' file parts, or {Json}");
    }

    /// <summary>The multipart file part <paramref name="field"/>.</summary>
    public static async Task<ImageUpload> ReadFormImageAsync(HttpContext context, string field, long maxBytes,
        CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType) throw Unsupported($"{Multipart} with a '{field}' file part");
        var form = await ReadFormAsync(context, cancellationToken);
        return await ImageUpload.FromFormFileAsync(form.Files.GetFile(field), field, maxBytes, cancellationToken);
    }

    // The first image's buffer goes back to the pool when the second cannot be read.
    private static async Task<ImageUpload> ReadSecondAsync(ImageUpload first, Func<Task<ImageUpload>> read)
    {
        try
        {
            return await read();
        }
        catch
        {
            first.Dispose();
            throw;
        }
    }

    private static ImageRequestException Unsupported(string expected) =>
        new(ProblemCatalogue.ContentTypeNotAccepted(expected));

    private static async Task<IFormCollection> ReadFormAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new ImageRequestException(
                ProblemCatalogue.MalformedBody($"The multipart body is malformed: {ex.Message}"));
        }
    }

    private static async Task<JsonBody> ReadJsonAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body,
                cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ImageRequestException(ProblemCatalogue.MalformedBody("The body must be a JSON object."));
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
            return new JsonBody(values);
        }
        catch (JsonException ex)
        {
            throw new ImageRequestException(
                ProblemCatalogue.MalformedBody($"The request body is not valid JSON: {ex.Message}"));
        }
    }

    private sealed record JsonBody(Dictionary<string, string?> Values)
    {
        public string? Get(string name) => Values.TryGetValue(name, out var v) ? v : null;
    }
}
