namespace FacePing.Inference.Decoding;

/// <summary>How an image reaches its working size; chosen from the header, before any pixel is decoded.</summary>
public enum DecodeStrategy
{
    /// <summary>Small enough: decoded as it is.</summary>
    FullSize,

    /// <summary>The codec decodes a power-of-two fraction itself (JPEG's DCT scaling).</summary>
    CodecScaled,

    /// <summary>Rows streamed through an area-averaging resampler (BMP): a few source rows held at a time.</summary>
    Streamed,

    /// <summary>The codec decodes straight to the working size (a format that scales but reports no sizes).</summary>
    DirectTarget,

    /// <summary>
    /// No cheaper way (PNG: Skia's codec neither scales nor reads by rows; GIF): full size, then shrunk. Weighs
    /// the declared pixels at admission, so such images take their turn instead of piling up.
    /// </summary>
    FullThenShrink,
}
