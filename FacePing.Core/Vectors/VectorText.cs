using System.Buffers;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;

namespace FacePing.Core.Vectors;

/// <summary>
/// The API's vector string: comma-separated invariant-culture floats, spaces allowed, 1–4096 finite values, not all
/// zero. Output uses the shortest text that parses back to the same float.
/// </summary>
public static class VectorText
{
    public const int MaxDimensions = 4096;

    /// <summary>
    /// Parses <paramref name="text"/>; on failure <paramref name="error"/> says why in words a client can act on.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out float[]? vector,
        [NotNullWhen(false)] out string? error)
    {
        vector = null;
        if (text.IsWhiteSpace())
        {
            error = "The vector string is empty.";
            return false;
        }
        // Count first so the result is allocated once at its exact size.
        var count = text.Count(',') + 1;
        if (count > MaxDimensions)
        {
            error = $"The vector has {count} values; at most {MaxDimensions} are allowed.";
            return false;
        }
        var values = new float[count];
        var allZero = true;
        var index = 0;
        foreach (var range in text.Split(','))
        {
            var part = text[range].Trim();
            if (part.IsEmpty)
            {
                error = $"Value {index + 1} is empty.";
                return false;
            }
            if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                error = $"Value {index + 1} ('{Clip(part)}') is not a number.";
                return false;
            }
            // float.TryParse accepts "NaN"/"Infinity" and turns overflow into infinity: neither is a usable coordinate.
            if (!float.IsFinite(value))
            {
                error = $"Value {index + 1} ('{Clip(part)}') is not a finite number.";
                return false;
            }
            allZero &= value == 0f;
            values[index++] = value;
        }
        if (allZero)
        {
            error = "The vector is all zeros; it has no direction to compare.";
            return false;
        }
        vector = values;
        error = null;
        return true;
    }

    /// <summary>Formats with round-trip precision, no spaces.</summary>
    public static string Format(ReadOnlySpan<float> vector)
    {
        // Shortest round-trip float text is at most 15 chars ("-1.2345678E-38"), plus a comma.
        var rented = ArrayPool<char>.Shared.Rent(Math.Max(16, vector.Length * 16));
        try
        {
            var span = rented.AsSpan();
            var written = 0;
            for (var i = 0; i < vector.Length; i++)
            {
                if (i > 0) span[written++] = ',';
                if (!vector[i].TryFormat(span[written..], out var n, "R", CultureInfo.InvariantCulture))
                    throw new InvalidOperationException("float text longer than expected");
                written += n;
            }
            return new string(span[..written]);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static string Clip(ReadOnlySpan<char> part) =>
        part.Length <= 32 ? part.ToString() : string.Concat(part[..32], "…");
}
