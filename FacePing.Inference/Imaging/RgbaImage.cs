using System.Buffers;

namespace FacePing.Inference.Imaging;

/// <summary>
/// Decoded, upright RGBA pixels in a pooled buffer. The pixels may be a scaled-down decode of the original:
/// <see cref="Scale"/> converts their coordinates back to original-image pixels.
/// </summary>
public sealed class RgbaImage : IDisposable
{
    private byte[]? _pixels;

    public RgbaImage(int width, int height, int originalWidth, int originalHeight)
    {
        Width = width;
        Height = height;
        OriginalWidth = originalWidth;
        OriginalHeight = originalHeight;
        _pixels = ArrayPool<byte>.Shared.Rent(checked(width * height * 4));
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Size of the upright original image (what callers' coordinates refer to).</summary>
    public int OriginalWidth { get; }
    public int OriginalHeight { get; }

    /// <summary>Original pixels per decoded pixel (1 unless the codec decoded at a reduced size).</summary>
    public float Scale => (float)OriginalWidth / Width;

    public int Stride => Width * 4;

    public Span<byte> Pixels => (_pixels ?? throw new ObjectDisposedException(nameof(RgbaImage))).AsSpan(0, Width * Height * 4);

    internal byte[] Buffer => _pixels ?? throw new ObjectDisposedException(nameof(RgbaImage));

    public void Dispose()
    {
        var pixels = Interlocked.Exchange(ref _pixels, null);
        if (pixels is not null) ArrayPool<byte>.Shared.Return(pixels);
    }
}
