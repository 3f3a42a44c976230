namespace FacePing.Ingestion.Sources;

/// <summary>
/// A job's folder: list its images once, then download them (concurrently; implementations are thread-safe).
/// </summary>
public interface IFolderSource : IAsyncDisposable
{
    Task<IReadOnlyList<SourceFile>> ListImagesAsync(CancellationToken cancellationToken);

    Task<byte[]> DownloadAsync(SourceFile file, CancellationToken cancellationToken);
}
