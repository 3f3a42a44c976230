using FacePing.Ingestion.Drive;

namespace FacePing.Ingestion.Sources;

/// <summary>A Google Drive folder seen through one service account.</summary>
public sealed class DriveFolderSource(DriveClient drive, DriveTokenSource tokens, string folderId) : IFolderSource
{
    private readonly Dictionary<string, DriveFile> _files = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<SourceFile>> ListImagesAsync(CancellationToken cancellationToken)
    {
        await drive.GetFolderNameAsync(tokens, folderId, cancellationToken);
        var files = await drive.ListImagesAsync(tokens, folderId, cancellationToken);
        foreach (var file in files) _files[file.Id] = file;
        return files.Select(f => new SourceFile(f.Id, f.Name, f.Size))
            .OrderBy(f => f.FileName, StringComparer.Ordinal).ToList();
    }

    public Task<byte[]> DownloadAsync(SourceFile file, CancellationToken cancellationToken) =>
        drive.DownloadAsync(tokens, _files.TryGetValue(file.FileId, out var known)
            ? known
            : new DriveFile(file.FileId, file.FileName, "", file.Size), cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
