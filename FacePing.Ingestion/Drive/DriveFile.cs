namespace FacePing.Ingestion.Drive;

/// <summary>A file of the listing; Drive sends <c>size</c> as a JSON string, absent for Google Docs.</summary>
public sealed record DriveFile(string Id, string Name, string MimeType, long? Size);
