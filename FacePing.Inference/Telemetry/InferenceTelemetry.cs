using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FacePing.Inference.Telemetry;

/// <summary>Spans and metrics of the face pipeline, exported by ServiceDefaults under "FacePing.Inference".</summary>
public static class InferenceTelemetry
{
    public const string Name = "FacePing.Inference";

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Images = Meter.CreateCounter<long>("faceping.inference.images", "{image}",
        "Images analysed.");
    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("faceping.inference.rejected", "{image}",
        "Images refused (too large, undecodable).");
    public static readonly Counter<long> Faces = Meter.CreateCounter<long>("faceping.inference.faces", "{face}",
        "Faces detected.");
    public static readonly Histogram<double> Duration =
        Meter.CreateHistogram<double>("faceping.inference.stage.duration", "ms", "Time per pipeline stage.");

    public static void Record(string stage, long startTimestamp) =>
        Duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds,
            new KeyValuePair<string, object?>("stage", stage));
}
