using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) with the bearer API-key scheme applied to every operation.
/// </summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddFacePingOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer(AddBearer);
            options.AddSchemaTransformer(DescribeMetadata);
            OpenApiContract.AddTo(options);
        });

    // Request metadata is bound as JsonElement (validated by hand, so every bad key is reported at once);
    // document it as what it must be: a flat object of scalars.
    private const JsonSchemaType ScalarValues = JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean;

    private static Task DescribeMetadata(OpenApiSchema schema, OpenApiSchemaTransformerContext context,
        CancellationToken cancellationToken)
    {
        var type = context.JsonPropertyInfo?.PropertyType ?? context.JsonTypeInfo.Type;
        if (type != typeof(System.Text.Json.JsonElement) && type != typeof(System.Text.Json.JsonElement?))
            return Task.CompletedTask;
        // The transformer also visits the value schema added below (same property context): leave that one alone.
        if (schema.Type == ScalarValues) return Task.CompletedTask;
        schema.Type = JsonSchemaType.Object | JsonSchemaType.Null;
        schema.Description = "Flat metadata: keys 1–64 of A–Z a–z 0–9 _ - . ; values string, " +
            "number or boolean (stored as their canonical string), ≤ 1024 characters; ≤ 32 keys. " +
            "System keys (source, createdAt, fileName, fileId, jobId, photoId, faceIndex, faceBox) are refused " +
            "when storing; " +
            "as a filter they may be used, except createdAt.";
        schema.AdditionalProperties = new OpenApiSchema
        {
            Type = ScalarValues,
        };
        return Task.CompletedTask;
    }

    private static Task AddBearer(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        document.Info.Title = "FacePing API";
        // Markdown: a bare <api key> would be read as an HTML tag and vanish from the rendered reference.
        document.Info.Description = "Face recognition and face-vector search. " +
            "Send `Authorization: Bearer YOUR_API_KEY` with every request.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A tenant API key (from POST /admin/keys) or, for /admin, the admin key.",
        };
        document.Security ??= [];
        document.Security.Add(
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
