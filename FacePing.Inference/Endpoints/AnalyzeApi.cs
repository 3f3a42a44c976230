using System.Buffers;
using System.Globalization;
using FacePing.Contracts.Inference;
using FacePing.Contracts.Problems;
using FacePing.Inference.Admission;
using FacePing.Inference.Decoding;
using FacePing.Inference.Options;
using FacePing.Inference.Pipeline;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FacePing.Inference.Endpoints;

/// <summary>The internal analysis endpoint the Api and Ingestion services call.</summary>
public static class AnalyzeApi
{
    public static IEndpointRouteBuilder MapAnalyzeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(AnalyzeRoute.Group).WithTags("Inference");
        api.MapPost(AnalyzeRoute.Path, Analyze)
            .WithName("AnalyzeImage")
            .WithSummary("Detects faces, their landmarks and (optionally) embeddings in one image.")
            .DisableAntiforgery();
        return app;
    }

    public static async Task<Results<Ok<FaceAnalysis>, ValidationProblem, ProblemHttpResult>> Analyze(
        HttpContext context, FacePipeline pipeline, PixelAdmission admission, IOptions<ImageOptions> options,
        string? embed = null, int? max = null)
    {
        if (max is < 0) return InvalidQuery(AnalyzeRoute.MaxQuery, "max must be 0 or more.");
        if (!TryParseMode(embed, out var mode))
            return InvalidQuery(AnalyzeRoute.EmbedQuery, "embed must be one of: largest, all, none.");

        var limit = options.Value.MaxBytes;
        if (context.Request.ContentLength > limit) return TooLarge(context.Request.ContentLength.Value, limit);

        byte[]? body = null;
        try
        {
            int length;
            (body, length) = await ReadBodyAsync(context, limit);
            if (length < 0) return TooLarge(null, limit);
            if (length == 0)
                return ProblemCatalogue.EmptyImage.Create("The request body must hold the image bytes.").ToResult();
            // The header says what decoding will hold; the budget admits it (or sheds it) before a pixel is decoded.
            using var opened = pipeline.Open(body.AsSpan(0, length));
            using var lease = await admission.AdmitAsync(opened.PeakPixels, context.RequestAborted);
            var analysis = pipeline.Analyze(opened, mode, max ?? int.MaxValue);
            return TypedResults.Ok(analysis);
        }
        catch (AdmissionRefusedException e)
        {
            pipeline.Telemetry.Rejected.Add(1, new KeyValuePair<string, object?>("status", 503));
            context.Response.Headers.RetryAfter = e.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return ProblemCatalogue.InferenceAtCapacity(e.Message).ToResult();
        }
        catch (ImageDecodeException e)
        {
            return e.Kind.Create(e.Message).ToResult();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(null, limit);
        }
        finally
        {
            if (body is not null) ArrayPool<byte>.Shared.Return(body);
        }
    }

    private static bool TryParseMode(string? value, out EmbedMode mode)
    {
        mode = EmbedMode.All;
        if (string.IsNullOrEmpty(value)) return true;
        foreach (var candidate in Enum.GetValues<EmbedMode>())
        {
            if (string.Equals(value, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Reads the body into a pooled buffer; a length of −1 means it exceeded <paramref name="limit"/>.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpContext context, long limit)
    {
        // Kestrel enforces its own limit too; this keeps the check when hosted elsewhere (tests, other servers).
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;

        var expected = context.Request.ContentLength is { } declared ? (int)declared : 64 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(expected + 1, 4096));
        var length = 0;
        var stream = context.Request.Body;
        while (true)
        {
            if (length == buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }
            var read = await stream.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
            if (read == 0) return (buffer, length);
            length += read;
            if (length > limit) return (buffer, -1);
        }
    }

    private static ProblemHttpResult TooLarge(long? actual, long limit) =>
        ProblemCatalogue.ImageBodyOverLimit(actual, limit).ToResult();

    private static ValidationProblem InvalidQuery(string field, string message) =>
        ProblemCatalogue.InvalidQuery.CreateFor(field, message).ToResult();
}
