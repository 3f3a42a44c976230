using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// Makes the OpenAPI document say what the API really sends and takes, so clients generated from it (the TypeScript
/// client in clients/typescript) get the right types: numbers are numbers (the framework also lists "string" because
/// the API reads quoted numbers too), timestamps are strings, nullable request fields may be left out, multipart bodies
/// name their file parts, the multipart face upload documents its <c>metadata[key]</c> query, problem bodies keep
/// their extension members, and 429/503 answers carry problem+json and <c>Retry-After</c>.
/// </summary>
public static class OpenApiContract
{
    /// <summary>The file parts of each multipart operation (the handlers read the form themselves).</summary>
    private static readonly Dictionary<string, string[]> MultipartParts = new(StringComparer.Ordinal)
    {
        ["CompareFaces"] = ["Face1", "Face2"],
        ["GenerateVector"] = ["image"],
        ["DetectFaces"] = ["image"],
        ["IdentifyFaces"] = ["image"],
        ["StoreFace"] = ["image"],
        ["SearchFaces"] = ["queryImage"],
        ["SearchPhotos"] = ["queryImage"],
    };

    private const string ProblemJson = "application/problem+json";

    public static void AddTo(OpenApiOptions options)
    {
        options.AddSchemaTransformer(NumbersAndTimestamps);
        options.AddDocumentTransformer(FixDocument);
    }

    private static Task NumbersAndTimestamps(OpenApiSchema schema, OpenApiSchemaTransformerContext context,
        CancellationToken cancellationToken)
    {
        const JsonSchemaType numeric = JsonSchemaType.Integer | JsonSchemaType.Number;
        if (schema.Type is { } type && (type & numeric) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (schema.Format == "date-time" && schema.Type is null)
        {
            var clr = context.JsonPropertyInfo?.PropertyType ?? context.JsonTypeInfo.Type;
            schema.Type = Nullable.GetUnderlyingType(clr) is null
                ? JsonSchemaType.String
                : JsonSchemaType.String | JsonSchemaType.Null;
        }
        return Task.CompletedTask;
    }

    private static Task FixDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        var schemas = document.Components?.Schemas;
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => (p.Operations ?? []).Values))
        {
            if (operation.RequestBody?.Content is { } content)
            {
                foreach (var media in content.Values)
                    if (Resolve(media.Schema, schemas) is { } body) LeaveNullablesOptional(body);
            }
            if (operation.OperationId is { } id && MultipartParts.TryGetValue(id, out var parts)
                && operation.RequestBody?.Content?.TryGetValue("multipart/form-data", out var form) == true)
                form.Schema = FileParts(parts);
            if (operation.OperationId == "StoreFace") AddQueryMetadata(operation);
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (response is OpenApiResponse answer && status is "429" or "503") AdviseRetry(answer, document);
            }
        }
        if (schemas is not null)
        {
            foreach (var name in new[] { "ProblemDetails", "HttpValidationProblemDetails" })
            {
                // Problems carry members of their own (expectedDimensions, quality, reasons, redis, …).
                if (schemas.TryGetValue(name, out var problem) && problem is OpenApiSchema open)
                    open.AdditionalProperties = new OpenApiSchema();
            }
            if (schemas.TryGetValue("DriveFolderRequest", out var drive) && drive is OpenApiSchema driveSchema
                && driveSchema.Properties is { } properties)
            {
                properties["serviceAccountKey"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String | JsonSchemaType.Object,
                    Description = "The service account's key file: its JSON text as a string, or the JSON object.",
                };
            }
            schemas.Remove("IFormFile");
        }
        return Task.CompletedTask;
    }

    private static OpenApiSchema? Resolve(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema>? schemas) =>
        schema switch
        {
            OpenApiSchemaReference { Reference.Id: { } id } when schemas?.TryGetValue(id, out var target) == true =>
                target as OpenApiSchema,
            OpenApiSchema inline => inline,
            _ => null,
        };

    /// <summary>The API reads a missing request field as null: a field that may be null need not be sent.</summary>
    private static void LeaveNullablesOptional(OpenApiSchema body)
    {
        if (body.Required is not { Count: > 0 } required || body.Properties is null) return;
        foreach (var (name, property) in body.Properties)
        {
            var nullable = property.Type is { } t && (t & JsonSchemaType.Null) != 0
                || property.OneOf?.Any(o => o.Type == JsonSchemaType.Null) == true;
            if (nullable) required.Remove(name);
        }
    }

    private static OpenApiSchema FileParts(string[] parts) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string>(parts, StringComparer.Ordinal),
        Properties = parts.ToDictionary(p => p, IOpenApiSchema (_) => new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Format = "binary",
            Description = "An image file (JPEG, PNG, WebP, GIF or BMP).",
        }),
    };

    private static void AddQueryMetadata(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => p.Name == "metadata")) return;
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "metadata",
            In = ParameterLocation.Query,
            Style = ParameterStyle.DeepObject,
            Explode = true,
            Description = "Metadata of the stored face as metadata[key]=value (e.g. metadata[name]=Ada).",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        });
    }

    private static void AdviseRetry(OpenApiResponse response, OpenApiDocument document)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers.TryAdd("Retry-After", new OpenApiHeader
        {
            Description = "Seconds to wait before trying again; nothing was done.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
        });
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content.TryAdd(ProblemJson, new OpenApiMediaType
        {
            Schema = new OpenApiSchemaReference("ProblemDetails", document),
        });
    }
}
