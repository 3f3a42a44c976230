using System.Buffers;
using FacePing.Contracts.Problems;
using FacePing.Core.Faces;

namespace FacePing.Api.Faces;

/// <summary>
/// An image read from a request field into a pooled buffer. Dispose returns the buffer; the bytes must not be used
/// after that. A request that does not carry the image readably throws <see cref="ImageRequestException"/>.
/// </summary>
public sealed class ImageUpload : IDisposable
{
    private byte[]? _buffer;

    private ImageUpload(byte[] buffer, int length, string field)
    {
        _buffer = buffer;
        Length = length;
        Field = field;
    }

    public int Length { get; }

    /// <summary>The request field that held the image.</summary>
    public string Field { get; }

    /// <summary>The image as the face service takes it.</summary>
    public FaceImage Face => new(Bytes, Field);

    public ReadOnlyMemory<byte> Bytes => _buffer is null
        ? throw new ObjectDisposedException(nameof(ImageUpload))
        : _buffer.AsMemory(0, Length);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>
    /// Copies a form file, refusing it before reading when it is larger than <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<ImageUpload> FromFormFileAsync(IFormFile? file, string field, long maxBytes,
        CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
            throw Refused(ProblemCatalogue.ImageMissing(field));
        if (file.Length > maxBytes)
            throw Refused(ProblemCatalogue.ImageOverLimit(field, maxBytes));

        var length = (int)file.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken);
            return new ImageUpload(buffer, length, field);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Decodes base64 or a data URL (<c>data:image/png;base64,...</c>) without an intermediate byte[] copy.
    /// </summary>
    public static ImageUpload FromBase64(string? text, string field, long maxBytes)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Refused(ProblemCatalogue.ImageMissing(field));

        var chars = text.AsSpan().Trim();
        if (chars.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = chars.IndexOf(',');
            if (comma < 0 || !chars[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw Refused(ProblemCatalogue.BadBase64(field,
                    "A data URL must have the form data:<type>;base64,<data>."));
            chars = chars[(comma + 1)..];
        }

        // Upper bound of the decoded size; whitespace only makes the real size smaller.
        var maxDecoded = (long)chars.Length / 4 * 3 + 3;
        if (maxDecoded > maxBytes + 3 && EstimateDecodedLength(chars) > maxBytes)
            throw Refused(ProblemCatalogue.ImageOverLimit(field, maxBytes));

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxDecoded, int.MaxValue - 64));
        if (!Convert.TryFromBase64Chars(chars, buffer, out var written))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw Refused(ProblemCatalogue.BadBase64(field, "The value is not valid base64."));
        }
        if (written == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw Refused(ProblemCatalogue.ImageMissing(field));
        }
        if (written > maxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw Refused(ProblemCatalogue.ImageOverLimit(field, maxBytes));
        }
        return new ImageUpload(buffer, written, field);
    }

    private static ImageRequestException Refused(Microsoft.AspNetCore.Mvc.ProblemDetails problem) => new(problem);

    private static long EstimateDecodedLength(ReadOnlySpan<char> chars)
    {
        long significant = 0;
        foreach (var c in chars)
        {
            if (!char.IsWhiteSpace(c) && c != '=') significant++;
        }
        return significant * 3 / 4;
    }
}
