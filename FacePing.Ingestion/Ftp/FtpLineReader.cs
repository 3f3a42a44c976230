using System.Buffers;
using System.Text;

namespace FacePing.Ingestion.Ftp;

/// <summary>
/// Reads CRLF-terminated reply lines from the control connection. Own buffering (not a StreamReader) because the
/// underlying stream is swapped for an SslStream after AUTH TLS, which must happen with nothing read ahead.
/// </summary>
internal sealed class FtpLineReader : IDisposable
{
    private const int MaxLineLength = 8192;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _start;
    private int _end;

    public Stream Stream { get; set; }

    public FtpLineReader(Stream stream) => Stream = stream;

    public bool HasBufferedData => _end > _start;

    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r') length--;
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }
            if (_end - _start >= MaxLineLength)
                throw new FtpException("The FTP server sent a reply line that is too long.");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            var read = await Stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0) return null;
            _end += read;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
