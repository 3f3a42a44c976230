namespace FacePing.Ingestion.Drive;

/// <summary>A Drive or token call failed; the message is Google's own explanation where there is one.</summary>
public sealed class DriveException(string message, int? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int? Status { get; } = status;
}
