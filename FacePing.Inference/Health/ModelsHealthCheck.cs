using FacePing.Inference.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FacePing.Inference.Health;

/// <summary>Reports the loaded models and their input shapes; resolving it proves the sessions exist.</summary>
internal sealed class ModelsHealthCheck(FaceModels models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["detector"] = $"{models.Detector.FileName} {models.Detector.DescribeInput()}",
            ["landmarks"] = $"{models.Landmarks.FileName} {models.Landmarks.DescribeInput()}",
            ["embedding"] = string.Join("; ",
                models.Embedders.Select(e => $"{e.Model.FileName} {e.Model.DescribeInput()}")),
            ["embeddingModel"] = models.RecognitionName,
        };
        return Task.FromResult(HealthCheckResult.Healthy("Face models loaded.", data));
    }
}
