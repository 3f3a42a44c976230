using System.Globalization;
using System.Text;

namespace FacePing.Client;

/// <summary>
/// The API's vector strings (<c>"0.1,0.2,0.3"</c>): floats written in the invariant culture, shortest round-trip form.
/// </summary>
public static class VectorText
{
    /// <summary>Writes <paramref name="vector"/> as the API reads it.</summary>
    public static string Format(ReadOnlySpan<float> vector)
    {
        var text = new StringBuilder(vector.Length * 11);
        for (var i = 0; i < vector.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(vector[i].ToString("R", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>Reads a vector string of the API.</summary>
    public static float[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var vector = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            vector[i] = float.Parse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture);
        return vector;
    }
}
