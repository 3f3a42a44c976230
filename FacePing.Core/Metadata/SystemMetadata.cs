namespace FacePing.Core.Metadata;

/// <summary>Metadata keys only the server writes. Clients may filter on them but never set them.</summary>
public static class SystemMetadata
{
    public const string Source = "source";
    public const string CreatedAt = "createdAt";
    public const string FileName = "fileName";
    public const string FileId = "fileId";
    public const string JobId = "jobId";

    public static bool IsSystemKey(string key) =>
        key is Source or CreatedAt or FileName or FileId or JobId;
}

/// <summary>The values of the <c>source</c> system metadata key.</summary>
public static class VectorSources
{
    public const string Image = "image";
    public const string Base64 = "base64";
    public const string Vector = "vector";
    public const string Drive = "drive";
    public const string Ftp = "ftp";

    public static bool IsKnown(string source) => source is Image or Base64 or Vector or Drive or Ftp;
}
