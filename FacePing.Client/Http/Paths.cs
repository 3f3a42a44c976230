using System.Globalization;
using System.Text;

namespace FacePing.Client.Http;

/// <summary>Relative request paths with escaped segments and an optional query.</summary>
internal static class Paths
{
    public static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary><paramref name="path"/> and the parameters that have a value, escaped.</summary>
    public static string WithQuery(string path, params (string Name, object? Value)[] parameters)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is null) continue;
            var text = value switch
            {
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=')
                .Append(Uri.EscapeDataString(text));
        }
        return path + query;
    }
}
