namespace FacePing.Core.Metadata;

/// <summary>Metadata keys only the server writes. Clients may filter on them but never set them.</summary>
public static class SystemMetadata
{
    public const string Source = "source";
    public const string CreatedAt = "createdAt";
    public const string FileName = "fileName";
    public const string FileId = "fileId";
    public const string JobId = "jobId";

    /// <summary>The photo a face was found in (faces stored with <c>faces=all</c>, and folder imports).</summary>
    public const string PhotoId = "photoId";

    /// <summary>The face's place among its photo's stored faces, largest first: "0", "1"…</summary>
    public const string FaceIndex = "faceIndex";

    /// <summary>The face's box in its photo's pixels: "x,y,width,height".</summary>
    public const string FaceBox = "faceBox";

    public static bool IsSystemKey(string key) =>
        key is Source or CreatedAt or FileName or FileId or JobId or PhotoId or FaceIndex or FaceBox;
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
