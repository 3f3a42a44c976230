namespace FacePing.Ingestion.Ftp;

/// <summary>A directory entry. Size and kind are known only when the server speaks MLSD.</summary>
public sealed record FtpEntry(string Name, bool? IsFile, long? Size);
