using System.Collections.Concurrent;
using System.Net;
using FacePing.Core.Jobs;
using FacePing.Ingestion.Ftp;

namespace FacePing.Ingestion.Sources;

/// <summary>
/// An FTP folder. FTP runs one transfer per control connection, so concurrent downloads each take a logged-in
/// connection from a small pool (opened on demand, at most the worker's concurrency).
/// </summary>
public sealed class FtpFolderSource(FtpEndpoint endpoint, IReadOnlyList<IPAddress> addresses, string folderPath,
    FtpClientOptions options) : IFolderSource
{
    private readonly ConcurrentBag<FtpClient> _idle = [];

    /// <summary>The file id of an FTP file: its path on the server, stable across runs of the same folder.</summary>
    public static string FileIdFor(string folderPath, string name)
    {
        var folder = folderPath.Replace('\\', '/').TrimEnd('/');
        return folder.Length > 0 || folderPath.StartsWith('/') ? $"{folder}/{name}" : name;
    }

    public async Task<IReadOnlyList<SourceFile>> ListImagesAsync(CancellationToken cancellationToken)
    {
        var client = await RentAsync(cancellationToken);
        var entries = await client.ListAsync(cancellationToken);
        _idle.Add(client);
        return entries
            .Where(e => e.IsFile != false && FtpNames.IsSafeFileName(e.Name) && ImageFileNames.IsImage(e.Name))
            .Select(e => new SourceFile(FileIdFor(folderPath, e.Name), e.Name, e.Size))
            .DistinctBy(f => f.FileId)
            .OrderBy(f => f.FileName, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<byte[]> DownloadAsync(SourceFile file, CancellationToken cancellationToken)
    {
        if (file.Size > options.MaxFileBytes)
            throw new FtpException($"'{file.FileName}' is larger than the {options.MaxFileBytes} byte limit.");
        var client = await RentAsync(cancellationToken);
        var reusable = false;
        try
        {
            var bytes = await client.DownloadAsync(file.FileName, options.MaxFileBytes, file.Size, cancellationToken);
            reusable = true;
            return bytes;
        }
        catch (FtpException e) when (e.ReplyCode is not null)
        {
            reusable = true; // the server answered: the session is fine, only this file failed
            throw;
        }
        finally
        {
            if (reusable) _idle.Add(client);
            else await client.DisposeAsync();
        }
    }

    private async Task<FtpClient> RentAsync(CancellationToken cancellationToken)
    {
        if (_idle.TryTake(out var client)) return client;
        client = await FtpClient.ConnectAsync(endpoint, addresses, options, cancellationToken);
        try
        {
            await client.ChangeFolderAsync(folderPath, cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var client)) await client.DisposeAsync();
    }
}
