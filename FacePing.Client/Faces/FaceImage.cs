using System.Net;
using System.Net.Http.Headers;

namespace FacePing.Client;

/// <summary>
/// A photo to send: bytes, a stream or a file. Byte arrays and streams convert implicitly, so
/// <c>client.Faces.DetectAsync(File.OpenRead("team.jpg"))</c> and <c>DetectAsync(bytes)</c> both work. A stream is read
/// from its current position and left open; one that cannot seek is read into memory first, so a retried call can send
/// it again.
/// </summary>
public sealed class FaceImage
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly Stream? _stream;
    private readonly string? _path;

    private FaceImage(ReadOnlyMemory<byte> bytes, Stream? stream, string? path, string fileName, string? contentType)
    {
        _bytes = bytes;
        _stream = stream;
        _path = path;
        FileName = fileName;
        ContentType = contentType;
    }

    /// <summary>The file name sent with the part (the API does not depend on it).</summary>
    public string FileName { get; }

    /// <summary>The part's content type, if known (the API reads the image's own header either way).</summary>
    public string? ContentType { get; }

    /// <summary>An image held in memory.</summary>
    public static FaceImage FromBytes(ReadOnlyMemory<byte> bytes, string fileName = "image",
        string? contentType = null) => new(bytes, null, null, fileName, contentType);

    /// <summary>An image read from <paramref name="stream"/> when the call is sent.</summary>
    public static FaceImage FromStream(Stream stream, string fileName = "image", string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new(default, stream, null, fileName, contentType);
    }

    /// <summary>An image file, opened when the call is sent.</summary>
    public static FaceImage FromFile(string path, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new(default, null, path, Path.GetFileName(path), contentType);
    }

    /// <summary>The image in <paramref name="bytes"/>.</summary>
    public static implicit operator FaceImage(byte[] bytes) => FromBytes(bytes);

    /// <summary>The image in <paramref name="stream"/>, read from its current position.</summary>
    public static implicit operator FaceImage(Stream stream) => FromStream(stream);

    /// <summary>The image as base64, for the JSON forms of the API.</summary>
    internal async Task<string> ToBase64Async(CancellationToken cancellationToken)
    {
        if (_path is null && _stream is null) return Convert.ToBase64String(_bytes.Span);
        using var content = await ToContentAsync(cancellationToken);
        return Convert.ToBase64String(await content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>A multipart part that can be sent more than once (a retry sends it again).</summary>
    internal async Task<HttpContent> ToContentAsync(CancellationToken cancellationToken)
    {
        HttpContent content;
        if (_path is not null)
        {
            content = new StreamContent(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
                FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        else if (_stream is { CanSeek: true })
        {
            content = new RewindingStreamContent(_stream);
        }
        else if (_stream is not null)
        {
            var buffer = new MemoryStream();
            await _stream.CopyToAsync(buffer, cancellationToken);
            content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        else
        {
            content = new ReadOnlyMemoryContent(_bytes);
        }
        content.Headers.ContentType = ContentType is not null && MediaTypeHeaderValue.TryParse(ContentType, out var t)
            ? t
            : new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>
    /// Sends a caller's seekable stream from where it stood, every time, without disposing it (StreamContent would).
    /// </summary>
    private sealed class RewindingStreamContent(Stream stream) : HttpContent
    {
        private readonly long _start = stream.Position;

        protected override Task SerializeToStreamAsync(Stream target, TransportContext? context) =>
            SerializeToStreamAsync(target, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream target, TransportContext? context,
            CancellationToken cancellationToken)
        {
            stream.Position = _start;
            await stream.CopyToAsync(target, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = stream.Length - _start;
            return true;
        }
    }
}
