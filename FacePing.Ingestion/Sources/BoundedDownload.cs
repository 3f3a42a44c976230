using System.Buffers;

namespace FacePing.Ingestion.Sources;

/// <summary>
/// Reads a download into one array no larger than a cap. When the size is announced (MLSD, Content-Length) the
/// array is allocated once at that size and handed out without a copy; the read buffer comes from the pool.
/// </summary>
public static class BoundedDownload
{
    private const int ChunkSize = 64 * 1024;

    public static async Task<byte[]> ReadAsync(
        Func<Memory<byte>, CancellationToken, Task<int>> read, long? expectedLength, long maxBytes,
        Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        var capacity = (int)Math.Clamp(expectedLength ?? ChunkSize, 0, Math.Min(maxBytes, Array.MaxLength));
        using var buffer = new MemoryStream(capacity);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int count;
            while ((count = await read(chunk.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                if (buffer.Length + count > maxBytes) throw tooLarge();
                buffer.Write(chunk, 0, count);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.TryGetBuffer(out var written) && written.Offset == 0 && written.Count == written.Array!.Length
            ? written.Array
            : buffer.ToArray();
    }
}
