using System.Buffers;

namespace FacePing.Inference.Imaging;

/// <summary>
/// Decoded, upright RGBA pixels in a pooled buffer. The pixels may be a scaled-down decode of the original:
/// <see cref="Scale"/> converts their coordinates back to original-image pixels.
/// </summary>
public sealed class RgbaImage : IDisposable
{
    // Working images (≤ MaxDecodeSide², 16 MB) come from the pool; a rare huge full-size decode is allocated
    // once instead, so the pool never keeps hundreds of megabytes alive.
    private const int PooledLimit = 32 * 1024 * 1024;
    private byte[]? _pixels;
    private readonly bool _pooled;

    public RgbaImage(int width, int height, int originalWidth, int originalHeight)
    {
        Width = width;
        Height = height;
        OriginalWidth = originalWidth;
        OriginalHeight = originalHeight;
        var length = checked(width * height * 4);
        _pooled = length <= PooledLimit;
        _pixels = _pooled ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Size of the upright original image (what callers' coordinates refer to).</summary>
    public int OriginalWidth { get; }
    public int OriginalHeight { get; }

    /// <summary>
    /// Original pixels per decoded pixel (1 unless decoded at a reduced size; per axis, as sizes round).
    /// </summary>
    public float ScaleX => (float)OriginalWidth / Width;

    public float ScaleY => (float)OriginalHeight / Height;

    public int Stride => Width * 4;

    public Span<byte> Pixels =>
        (_pixels ?? throw new ObjectDisposedException(nameof(RgbaImage))).AsSpan(0, Width * Height * 4);

    internal byte[] Buffer => _pixels ?? throw new ObjectDisposedException(nameof(RgbaImage));

    public void Dispose()
    {
        var pixels = Interlocked.Exchange(ref _pixels, null);
        if (pixels is not null && _pooled) ArrayPool<byte>.Shared.Return(pixels);
    }
}
