namespace FacePing.Ingestion.Sources;

/// <summary>An image file of a job's folder. <see cref="FileId"/> is stable across runs (Drive id, FTP path).</summary>
public sealed record SourceFile(string FileId, string FileName, long? Size);
