namespace FacePing.Inference.Decoding;

/// <summary>
/// Spots a cut-off JPEG. A progressive JPEG's first scans already cover the whole picture, so the codec decodes a
/// truncated one without complaint; only the missing end-of-image marker after the first scan gives it away.
/// </summary>
internal static class JpegEnd
{
    public static bool IsComplete(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return true;
        var i = 2;
        // Walk the marker segments (skipping APPn payloads such as an EXIF thumbnail with its own end marker)
        // to the first scan; entropy-coded data never holds FF D9, so an end marker after it means the scans ended.
        while (i + 4 <= jpeg.Length)
        {
            if (jpeg[i] != 0xFF) return true; // not a marker where one belongs: corrupt, which the codec judges
            var marker = jpeg[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }
            if (marker == 0xD9) return true;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker == 0xDA)
            {
                var scan = Math.Min(jpeg.Length, i + 2 + length);
                return jpeg[scan..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
            }
            i += 2 + length;
        }
        return false;
    }
}
