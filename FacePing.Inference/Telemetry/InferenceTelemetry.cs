using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FacePing.Inference.Telemetry;

/// <summary>
/// Spans and metrics of the face pipeline, exported by ServiceDefaults under "FacePing.Inference". The meter comes
/// from the host's <see cref="IMeterFactory"/>, so each host (and each test host in one process) has its own
/// instruments and disposes them with its container.
/// </summary>
public sealed class InferenceTelemetry
{
    public const string Name = "FacePing.Inference";

    /// <summary>Spans need no per-host state: listeners filter by source name.</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Histogram<double> _duration;

    public InferenceTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        Images = meter.CreateCounter<long>("faceping.inference.images", "{image}", "Images analysed.");
        Rejected = meter.CreateCounter<long>("faceping.inference.rejected", "{image}",
            "Images refused (too large, undecodable).");
        Faces = meter.CreateCounter<long>("faceping.inference.faces", "{face}", "Faces detected.");
        _duration = meter.CreateHistogram<double>("faceping.inference.stage.duration", "ms",
            "Time per pipeline stage.");
    }

    public Counter<long> Images { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> Faces { get; }

    public void Record(string stage, long startTimestamp) =>
        _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds,
            new KeyValuePair<string, object?>("stage", stage));
}
