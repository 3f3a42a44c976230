using FacePing.Api.Jobs;
using FacePing.Core.Jobs;

namespace FacePing.Api.Clustering;

/// <summary>
/// Example bodies for the OpenAPI document, shaped like a real run on the 24 faces of fixtures/faces/bald_guys.jpg
/// (4 people, 6 photos each; ids abridged to two clusters).
/// </summary>
public static class ClusteringExamples
{
    private const string JobId = "5f0c2a9e81d34b7c9a6e0d1f2b3c4d5e";

    public static ClusterJobRequest Request { get; } = new(0.7665, 2, "person");

    public static JobAccepted Accepted { get; } = new(JobId, JobStatus.Queued, $"/jobs/{JobId}");

    public static IReadOnlyList<ClusterResponse> Clusters { get; } =
    [
        new(1, 6,
        [
            "019ad1e2-3b4c-7d5e-8f60-71a2b3c4d5e6", "019ad1e2-3b4d-7a11-9c22-d3e4f5a6b7c8",
            "019ad1e2-3b4e-7e90-a1b2-c3d4e5f60718", "019ad1e2-3b4f-7c33-8d44-e5f6a7b8c9d0",
            "019ad1e2-3b50-7f12-b3c4-d5e6f7a8b9c0", "019ad1e2-3b51-7a9b-8c7d-6e5f4a3b2c1d",
        ]),
        new(2, 6,
        [
            "019ad1e2-3b52-7b01-9a8b-7c6d5e4f3a2b", "019ad1e2-3b53-7c12-8b9a-0d1e2f3a4b5c",
            "019ad1e2-3b54-7d23-a9b8-c7d6e5f4a3b2", "019ad1e2-3b55-7e34-b0c1-d2e3f4a5b6c7",
            "019ad1e2-3b56-7f45-8c9d-0e1f2a3b4c5d", "019ad1e2-3b57-7a56-9d0e-1f2a3b4c5d6e",
        ]),
    ];
}
