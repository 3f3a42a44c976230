using SkiaSharp;

namespace FacePing.Inference.Decoding;

/// <summary>
/// An image whose header has been read and checked, with its decode planned: <see cref="PeakPixels"/> is what
/// decoding and analysing it holds at once, known before any pixel is decoded, so admission can weigh it.
/// </summary>
public sealed class OpenedImage : IDisposable
{
    internal OpenedImage(SKData data, SKCodec codec, DecodeStrategy strategy, SKSizeI decodeSize, SKSizeI target,
        bool jpegComplete)
    {
        Data = data;
        Codec = codec;
        Strategy = strategy;
        DecodeSize = decodeSize;
        Target = target;
        JpegComplete = jpegComplete;
        var info = codec.Info;
        long held = (long)target.Width * target.Height;
        PeakPixels = strategy switch
        {
            DecodeStrategy.CodecScaled or DecodeStrategy.FullThenShrink =>
                (long)decodeSize.Width * decodeSize.Height + (decodeSize == target ? 0 : held),
            DecodeStrategy.Streamed => held + info.Width,
            _ => held,
        };
    }

    internal SKData Data { get; }
    internal SKCodec Codec { get; }
    internal bool JpegComplete { get; }

    public DecodeStrategy Strategy { get; }

    /// <summary>Width and height the codec itself produces (before any shrink).</summary>
    public SKSizeI DecodeSize { get; }

    /// <summary>Width and height of the working image (not yet oriented).</summary>
    public SKSizeI Target { get; }

    /// <summary>Width and height the header declares.</summary>
    public SKSizeI Declared => new(Codec.Info.Width, Codec.Info.Height);

    /// <summary>Pixels held at once while this image is decoded and analysed (its weight at admission).</summary>
    public long PeakPixels { get; }

    public void Dispose()
    {
        Codec.Dispose();
        Data.Dispose();
    }
}
