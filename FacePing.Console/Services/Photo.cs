using Microsoft.AspNetCore.Components.Forms;
using SkiaSharp;

namespace FacePing.Console.Services;

/// <summary>
/// A photo the person dropped, kept in the circuit while they try it. <see cref="Width"/> and <see cref="Height"/> are
/// its size upright (EXIF orientation applied), the space the Api's face boxes are in; 0 when the header is unreadable
/// (the Api then says why).
/// </summary>
public sealed record Photo(string FileName, string ContentType, byte[] Bytes, int Width, int Height)
{
    /// <summary>The Api's default upload limit; larger photos are refused before they cross the circuit.</summary>
    public const long MaxBytes = 10 * 1024 * 1024;

    /// <summary>Shown inline: the photo never leaves the console's memory for a URL of its own.</summary>
    public string DataUrl => $"data:{ContentType};base64,{Convert.ToBase64String(Bytes)}";

    public static async Task<Photo> ReadAsync(IBrowserFile file, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await using (var stream = file.OpenReadStream(MaxBytes, cancellationToken))
        {
            await stream.CopyToAsync(buffer, cancellationToken);
        }
        var bytes = buffer.ToArray();
        var (width, height, type) = ReadHeader(bytes);
        var contentType = type ?? (file.ContentType is { Length: > 0 } given ? given : "application/octet-stream");
        return new Photo(file.Name, contentType, bytes, width, height);
    }

    /// <summary>Size and type from the header alone (no pixel decode).</summary>
    public static (int Width, int Height, string? ContentType) ReadHeader(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null) return (0, 0, null);
        var type = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Webp => "image/webp",
            SKEncodedImageFormat.Gif => "image/gif",
            SKEncodedImageFormat.Bmp => "image/bmp",
            _ => null,
        };
        // Origins 5–8 turn the picture a quarter: the browser shows it, and the Api measures it, sides swapped.
        var quarterTurn = codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var info = codec.Info;
        return quarterTurn ? (info.Height, info.Width, type) : (info.Width, info.Height, type);
    }
}
