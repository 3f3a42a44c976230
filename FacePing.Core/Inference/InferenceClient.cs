using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Contracts.Inference;
using Microsoft.AspNetCore.Mvc;

namespace FacePing.Core.Inference;

/// <summary>
/// Calls the Inference service found by service discovery (<c>http://inference</c>). Image problems come back as
/// <see cref="ImageRejectedException"/>; an unreachable or failing service as
/// <see cref="InferenceUnavailableException"/>, so callers can answer 4xx or 503 without guessing.
/// </summary>
public sealed class InferenceClient(HttpClient http)
{
    public const string ServiceName = "inference";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    /// <param name="maxEmbedded">
    /// With <see cref="EmbedMode.All"/>: embed at most this many faces (the used face, then the largest).
    /// </param>
    public async Task<FaceAnalysis> AnalyzeAsync(ReadOnlyMemory<byte> image, EmbedMode embed, int? maxEmbedded = null,
        CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(image);
        content.Headers.ContentType = OctetStream;
        var path = AnalyzeRoute.For(embed, maxEmbedded);

        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(path, content, cancellationToken);
        }
        catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
        {
            throw new InferenceUnavailableException("The inference service could not be reached.", ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<FaceAnalysis>(Json, cancellationToken)
                    ?? throw new InferenceUnavailableException("The inference service sent an empty answer.");
            }

            var status = (int)response.StatusCode;
            if (status is 400 or 413 or 415 or 422)
            {
                var problem = await ReadProblemAsync(response, cancellationToken);
                throw new ImageRejectedException(status, problem?.Title ?? response.ReasonPhrase ?? "Image rejected",
                    problem?.Detail);
            }
            if (status == 503 && response.Headers.RetryAfter?.Delta is { } wait)
            {
                // Shed by its pixel budget: the caller passes the service's wait on (503 + Retry-After).
                throw new InferenceUnavailableException("The inference service is at capacity.")
                {
                    AtCapacity = true,
                    RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)),
                };
            }
            throw new InferenceUnavailableException(
                $"The inference service answered {status} {response.ReasonPhrase}.");
        }
    }

    private static async Task<ProblemDetails?> ReadProblemAsync(HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ProblemDetails>(Json, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The client's own timeout surfaces as TaskCanceledException while the caller has not cancelled.
    private static bool IsTransportFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
            && ex is HttpRequestException or TaskCanceledException or IOException;
}
