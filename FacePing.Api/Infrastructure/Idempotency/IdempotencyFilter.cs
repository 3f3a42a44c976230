using System.Text.Json;
using FacePing.Api.Auth;
using FacePing.Contracts.Problems;
using FacePing.Core.Auth;
using FacePing.Core.Idempotency;
using FacePing.Core.Storage;
using Microsoft.Net.Http.Headers;
using StackExchange.Redis;

namespace FacePing.Api.Infrastructure.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> header on endpoints that create something (docs/operations.md): the first request with
/// a key runs and its 2xx answer (status, Location, body) is kept for 24 h; a retry with the same key and the same
/// request (method, path, query, body) gets that answer again (<c>Idempotent-Replayed: true</c>) instead of creating a
/// second thing; the same key with another request is 422; a retry while the first is still running is 409 with
/// Retry-After. A request that fails (4xx, or a 503 that proves nothing was applied) frees its key, so its retry runs.
/// <para>
/// It also answers the one case an exception could not: a write applied but not confirmed durable
/// (<see cref="DurabilityShortfall"/>) is 202 <c>write-not-durable</c> carrying the answer the client would have had
/// (the id of what was created), and that is the answer a retry gets.
/// </para>
/// </summary>
public sealed class IdempotencyFilter(IdempotencyStore store, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var shortfall = DurabilityShortfall.Begin();
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            var result = await next(context);
            if (!shortfall.Applied || result is not IResult answer) return result;
            await SendAsync(http, await RunAsync(http, answer, shortfall));
            return Results.Empty;
        }

        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength || key.Any(c => c is < ' ' or > '~'))
            return ProblemCatalogue.Validation(Header,
                $"{Header} must be one value of 1–{MaxKeyLength} printable ASCII characters (a UUID, for example).")
                .ToResult();

        var scope = http.User.IsInRole(FacePingClaims.AdminRole) ? IdempotencyStore.AdminScope : http.User.Tenant();
        var fingerprint = await RequestFingerprint.ComputeAsync(http.Request, http.RequestAborted);
        var reservation = await store.ReserveAsync(scope, key, fingerprint, http.RequestAborted);
        switch (reservation.Outcome)
        {
            case IdempotencyOutcome.Mismatch:
                return ProblemCatalogue.IdempotencyKeyUsedElsewhere(key).ToResult();
            case IdempotencyOutcome.InFlight:
                http.Response.Headers.RetryAfter = "1";
                return ProblemCatalogue.IdempotencyKeyRunning(key).ToResult();
            case IdempotencyOutcome.Replay:
                http.Response.Headers[ReplayedHeader] = "true";
                await SendAsync(http, reservation.Answer!);
                return Results.Empty;
        }

        IdempotentAnswer captured;
        try
        {
            var result = await next(context);
            if (result is not IResult answer) answer = Results.Ok(result);
            captured = await RunAsync(http, answer, shortfall);
        }
        catch (Exception e)
        {
            // A failure that may have reached Redis (a timeout after sending) keeps the key reserved until it expires,
            // so a quick retry cannot create a second thing; one that proves nothing was applied frees it.
            if (RedisFailures.Classify(e) is not { NotApplied: false })
                await ReleaseQuietlyAsync(scope, key, fingerprint);
            throw;
        }
        if (captured.Status is >= 200 and < 300)
            await store.CompleteAsync(scope, key, fingerprint, captured, CancellationToken.None);
        else
            await ReleaseQuietlyAsync(scope, key, fingerprint);
        await SendAsync(http, captured);
        return Results.Empty;
    }

    // Runs the handler's answer into a buffer (status and headers go to the response as usual); a success whose write
    // was applied without its durability confirmed becomes 202 write-not-durable carrying that answer.
    private static async Task<IdempotentAnswer> RunAsync(HttpContext http, IResult answer,
        DurabilityShortfall shortfall)
    {
        var captured = await CaptureAsync(http, answer);
        if (!shortfall.Applied || captured.Status is < 200 or >= 300) return captured;
        JsonElement? body = captured.Body.Length > 0 && captured.ContentType?.Contains("json") == true
            ? JsonSerializer.Deserialize<JsonElement>(captured.Body)
            : null;
        return await CaptureAsync(http, new WriteNotDurableResult(shortfall.Failure!, body));
    }

    private static async Task<IdempotentAnswer> CaptureAsync(HttpContext http, IResult answer)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await answer.ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        var location = http.Response.Headers.Location.ToString();
        return new IdempotentAnswer(http.Response.StatusCode, http.Response.ContentType,
            location.Length > 0 ? location : null, buffer.ToArray());
    }

    private static async Task SendAsync(HttpContext http, IdempotentAnswer answer)
    {
        var response = http.Response;
        response.StatusCode = answer.Status;
        if (answer.ContentType is { } type) response.ContentType = type;
        if (answer.Location is { } location) response.Headers.Location = location;
        response.ContentLength = answer.Body.Length;
        await response.Body.WriteAsync(answer.Body, http.RequestAborted);
    }

    private async Task ReleaseQuietlyAsync(string scope, string key, string fingerprint)
    {
        try
        {
            await store.ReleaseAsync(scope, key, fingerprint, CancellationToken.None);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            // The reservation then ends by itself (IdempotencyStore.PendingLifetime).
            logger.LogWarning("Could not free Idempotency-Key of a failed request: {Error}", e.Message);
        }
    }
}

/// <summary>
/// 202 problem+json <c>write-not-durable</c>: the write was applied (and is visible), but the durability mode's promise
/// (fsynced on the primary, or on a replica) was not confirmed in time. <c>result</c> holds the answer the request
/// would have had.
/// </summary>
public sealed class WriteNotDurableResult(DurabilityException failure, JsonElement? result) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var details = ProblemCatalogue.AppliedNotDurable(failure.Message, failure.Pending);
        if (result is { } value) details.Extensions["result"] = value;
        httpContext.Response.StatusCode = details.Status!.Value;
        return httpContext.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details }).AsTask();
    }
}

/// <summary>Puts <see cref="IdempotencyFilter"/> on an endpoint, with its header in the OpenAPI document.</summary>
public static class IdempotencyEndpointExtensions
{
    /// <summary>
    /// Keeps the body of a request to such an endpoint that carries an <c>Idempotency-Key</c> readable again: the
    /// filter runs after parameter binding has read it, and fingerprints it.
    /// </summary>
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpoint>() is not null &&
                context.Request.Headers.ContainsKey(IdempotencyFilter.Header))
                context.Request.EnableBuffering();
            return next(context);
        });

    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new IdempotentEndpoint()).AddEndpointFilter<IdempotencyFilter>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
                {
                    Name = IdempotencyFilter.Header,
                    In = Microsoft.OpenApi.ParameterLocation.Header,
                    Required = false,
                    Description = "Makes a retry safe: the same key with the same request within 24 h returns " +
                                  "the first answer (header Idempotent-Replayed: true) instead of creating again; " +
                                  "the same key with another request is 422; while the first runs, 409 with " +
                                  "Retry-After. Keys are per tenant, 1–255 printable ASCII characters (a UUID).",
                    Schema = new Microsoft.OpenApi.OpenApiSchema
                    {
                        Type = Microsoft.OpenApi.JsonSchemaType.String, MaxLength = IdempotencyFilter.MaxKeyLength,
                    },
                });
                return Task.CompletedTask;
            });
}

/// <summary>Marks an endpoint that takes <c>Idempotency-Key</c>.</summary>
public sealed class IdempotentEndpoint;

/// <summary>
/// The fingerprint of a request for <see cref="IdempotencyFilter"/>: SHA-256 of method, path, query and body bytes. A
/// multipart body is taken without its boundary, which a client's library draws anew for each attempt.
/// </summary>
public static class RequestFingerprint
{
    public static async Task<string> ComputeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Parameter binding has read the body already: it was buffered for this (UseIdempotencyKeys).
        if (!request.Body.CanSeek)
            throw new InvalidOperationException("Idempotency-Key needs app.UseIdempotencyKeys() before the endpoints.");
        request.Body.Position = 0;
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        request.Body.Position = 0;
        var body = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        byte[]? withoutBoundary = null;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
            type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) &&
            HeaderUtilities.RemoveQuotes(type.Boundary).Value is { Length: > 0 } boundary)
        {
            withoutBoundary = RemoveAll(body, System.Text.Encoding.ASCII.GetBytes(boundary));
        }
        return IdempotencyStore.Fingerprint(request.Method, request.Path.Value ?? "",
            request.QueryString.Value ?? "", withoutBoundary ?? body);
    }

    private static byte[] RemoveAll(ReadOnlySpan<byte> body, ReadOnlySpan<byte> token)
    {
        using var result = new MemoryStream(body.Length);
        while (body.IndexOf(token) is var at and >= 0)
        {
            result.Write(body[..at]);
            body = body[(at + token.Length)..];
        }
        result.Write(body);
        return result.ToArray();
    }
}
