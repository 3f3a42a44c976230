using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// Readiness of the Inference service (<c>GET http://inference/health</c> through service discovery).
/// </summary>
public sealed class InferenceHealthCheck(IHttpClientFactory clients) : IHealthCheck
{
    public const string ClientName = "inference-health";
    public const string ConfigKey = "services:inference:http:0";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync("/health", timeout.Token);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"inference /health answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("inference unreachable", e);
        }
    }

    /// <summary>
    /// Registers the check only when the inference service is configured (Aspire's service reference).
    /// </summary>
    public static void AddIfConfigured(IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[ConfigKey])) return;
        builder.Services.AddHttpClient(ClientName, c => c.BaseAddress = new Uri("http://inference"));
        builder.Services.AddHealthChecks().AddCheck<InferenceHealthCheck>("inference");
    }
}
