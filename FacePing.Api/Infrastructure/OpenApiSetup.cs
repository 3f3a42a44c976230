using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FacePing.Api.Infrastructure;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) with the bearer API-key scheme applied to every operation.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddFacePingOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer(AddBearer));

    private static Task AddBearer(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "FacePing API";
        document.Info.Description = "Face recognition and face-vector search. Send 'Authorization: Bearer <api key>'.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A tenant API key (from POST /admin/keys) or, for /admin, the admin key.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
