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
    /// The JSON answer at <paramref name="status"/> is the declared type unless a query parameter asks for
    /// <typeparamref name="T"/> (e.g. <c>faces=all</c>, named in <paramref name="when"/>). The declared schema stays
    /// (generated clients of the original contract keep compiling); <typeparamref name="T"/> is added to the
    /// document's schemas and named in the response's description, so generated clients have its type too.
    /// </summary>
    public static RouteHandlerBuilder ProducesAlternative<T>(this RouteHandlerBuilder builder, int status,
        string when) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(), out var response) != true
                || response is not OpenApiResponse answer || context.Document is not { } document)
                return;
            var name = typeof(T).Name;
            document.AddComponent(name, await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken));
            answer.Description = $"{answer.Description}; with {when}: {name} (#/components/schemas/{name})";
        });
}
