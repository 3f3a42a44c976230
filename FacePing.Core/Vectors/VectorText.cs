using System.Buffers;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;

namespace FacePing.Core.Vectors;

/// <summary>
/// The API's vector string: comma-separated invariant-culture floats, spaces allowed, 1–4096 finite values of
/// magnitude at most <see cref="MaxMagnitude"/>, with a squared length of at least <see cref="MinSquaredNorm"/>.
/// Output uses the shortest text that parses back to the same float.
/// </summary>
/// <remarks>
/// The bounds make every float32 sum the Api and Redis compute on stored vectors finite and nonzero: a square is at
/// most 10^32, a sum of 4096 squares of differences at most 4096 × (2 × 10^16)^2 ≈ 1.6 × 10^36, below float32's
/// 3.4 × 10^38; a squared length under float32's smallest normal number would round to zero, leaving no direction.
/// </remarks>
public static class VectorText
{
    public const int MaxDimensions = 4096;

    /// <summary>Largest magnitude of one value (10^16).</summary>
    public const float MaxMagnitude = 1e16f;

    /// <summary>Smallest squared length of a vector: float32's smallest normal number (about 1.2 × 10^-38).</summary>
    public const double MinSquaredNorm = 1.17549435e-38;

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
        double squares = 0;
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
            if (Math.Abs(value) > MaxMagnitude)
            {
                error = $"Value {index + 1} ('{Clip(part)}') is too large: values must lie within ±1e16 so that " +
                    "squares and sums of a 4096-value vector stay finite in float32.";
                return false;
            }
            allZero &= value == 0f;
            squares += (double)value * value;
            values[index++] = value;
        }
        if (allZero)
        {
            error = "The vector is all zeros; it has no direction to compare.";
            return false;
        }
        if (squares < MinSquaredNorm)
        {
            error = "The vector is too short to compare: the sum of its squared values must be at least 1.2e-38 " +
                "(the smallest normal float32), or its length rounds to zero.";
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
