using System.Buffers;
using System.Runtime.InteropServices;

namespace FacePing.Inference.Imaging;

/// <summary>
/// Decoded, upright RGBA pixels in a pooled buffer. The pixels may be a scaled-down decode of the original:
/// <see cref="Scale"/> converts their coordinates back to original-image pixels.
/// </summary>
public sealed unsafe class RgbaImage : IDisposable
{
    // Working images (≤ MaxDecodeSide², 16 MB) come from the pool; a rare huge full-size decode (a PNG Skia decodes
    // only whole) lives in native memory freed on Dispose, so the process gives it back at once instead of keeping
    // hundreds of megabytes of collected-later arrays (peak memory under load: docs/performance.md).
    private const int PooledLimit = 32 * 1024 * 1024;
    private byte[]? _pixels;
    private nint _native;
    private readonly int _length;

    public RgbaImage(int width, int height, int originalWidth, int originalHeight)
    {
        Width = width;
        Height = height;
        OriginalWidth = originalWidth;
        OriginalHeight = originalHeight;
        _length = checked(width * height * 4);
        if (_length <= PooledLimit) _pixels = ArrayPool<byte>.Shared.Rent(_length);
        else _native = (nint)NativeMemory.Alloc((nuint)_length);
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
        _pixels is { } pixels ? pixels.AsSpan(0, _length)
        : _native != 0 ? new Span<byte>((void*)_native, _length)
        : throw new ObjectDisposedException(nameof(RgbaImage));

    public void Dispose()
    {
        var pixels = Interlocked.Exchange(ref _pixels, null);
        if (pixels is not null) ArrayPool<byte>.Shared.Return(pixels);
        var native = Interlocked.Exchange(ref _native, 0);
        if (native != 0) NativeMemory.Free((void*)native);
    }
}
