using System.Diagnostics;

namespace FacePing.Ingestion;

/// <summary>Spans of the ingestion worker (exported by the service defaults as "FacePing.Ingestion").</summary>
public static class IngestionTelemetry
{
    public static readonly ActivitySource Source = new("FacePing.Ingestion");
}
