using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FacePing.Api.Infrastructure;

/// <summary>Example bodies in the OpenAPI document, serialised as the API writes them (camelCase).</summary>
public static class OpenApiExamples
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Sets the example of the response with <paramref name="status"/> (application/json).</summary>
    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int status, object example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(), out var response) == true
                && response.Content?.TryGetValue("application/json", out var media) == true)
            {
                media.Example = JsonSerializer.SerializeToNode(example, Web);
            }
            return Task.CompletedTask;
        });

    /// <summary>Sets the example of the JSON request body.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, object example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
                media.Example = JsonSerializer.SerializeToNode(example, Web);
            return Task.CompletedTask;
        });
}

/// <summary>Answers whose shape a request parameter chooses, for the OpenAPI document.</summary>
public static class OpenApiAlternatives
{
    /// <summary>
    /// The JSON answer at <paramref name="status"/> is either the declared type or <typeparamref name="T"/> (a query
    /// parameter chooses, e.g. <c>faces=all</c>): its schema becomes <c>oneOf</c> the two, so generated clients know
    /// both.
    /// </summary>
    public static RouteHandlerBuilder ProducesAlternative<T>(this RouteHandlerBuilder builder, int status) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(), out var response) != true
                || response?.Content?.TryGetValue("application/json", out var media) != true
                || media?.Schema is not { } declared || context.Document is not { } document)
                return;
            var name = typeof(T).Name;
            document.AddComponent(name, await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken));
            media.Schema = new OpenApiSchema { OneOf = [declared, new OpenApiSchemaReference(name, document)] };
        });
}
