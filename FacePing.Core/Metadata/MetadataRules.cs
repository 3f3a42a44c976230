using System.Globalization;
using System.Text.Json;

namespace FacePing.Core.Metadata;

/// <summary>
/// Reads client metadata (a flat JSON object of string/number/boolean values) into canonical strings and collects
/// validation errors keyed by field path, ready for a problem+json <c>errors</c> map.
/// </summary>
public static class MetadataRules
{
    public const int MaxKeys = 32;
    public const int MaxValueLength = 1024;

    /// <summary>
    /// Validates metadata a client wants stored. Null/undefined is an empty set. System keys are refused.
    /// Returns null when there were errors (added to <paramref name="errors"/> under <paramref name="path"/>).
    /// </summary>
    public static Dictionary<string, string>? ReadForStore(JsonElement? json, string path,
        IDictionary<string, string[]> errors) =>
        Read(json, path, errors, allowSystemKeys: false);

    /// <summary>
    /// Validates a filter: the same rules, but system keys other than createdAt are allowed (find by <c>jobId</c>,
    /// <c>source</c>...).
    /// </summary>
    public static Dictionary<string, string>? ReadFilter(JsonElement? json, string path,
        IDictionary<string, string[]> errors) =>
        Read(json, path, errors, allowSystemKeys: true);

    /// <summary>
    /// Validates metadata given as string pairs (e.g. the image endpoints' <c>?metadata[key]=value</c> query), with the
    /// same rules as JSON metadata; every value is a string. Errors go under <c>path.key</c> / <c>path</c>.
    /// </summary>
    public static Dictionary<string, string>? ReadPairsForStore(IEnumerable<KeyValuePair<string, string>> pairs,
        string path, IDictionary<string, string[]> errors)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, value) in pairs) ok &= TryAddPair(result, key, value, path, errors, allowSystemKeys: false);
        return Finish(result, ok, path, errors);
    }

    private static Dictionary<string, string>? Read(JsonElement? json, string path,
        IDictionary<string, string[]> errors, bool allowSystemKeys)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return result;
        if (element.ValueKind != JsonValueKind.Object)
        {
            Add(errors, path, "Metadata must be a flat JSON object.");
            return null;
        }
        var ok = true;
        foreach (var property in element.EnumerateObject())
        {
            var value = TryCanonical(property.Value, out var text) ? text : null;
            ok &= TryAddPair(result, property.Name, value, path, errors, allowSystemKeys);
        }
        return Finish(result, ok, path, errors);
    }

    /// <summary>The rules for one pair, whichever form it came in; a null value is one that is not a scalar.</summary>
    private static bool TryAddPair(Dictionary<string, string> result, string key, string? value, string path,
        IDictionary<string, string[]> errors, bool allowSystemKeys)
    {
        if (!Names.IsValidName(key))
        {
            Add(errors, path, $"Key '{Clip(key)}' is not {Names.NameRule}.");
            return false;
        }
        var problem =
            !allowSystemKeys && SystemMetadata.IsSystemKey(key)
                ? $"'{key}' is system metadata set by the server; it cannot be given."
            // createdAt is unique per vector, so it is not indexed (an index set per vector would cost more than it
            // serves).
            : allowSystemKeys && key == SystemMetadata.CreatedAt ? "createdAt cannot be used as a filter."
            : value is null ? "Values must be a string, number or boolean."
            : value.Length > MaxValueLength
                ? $"The value is {value.Length} characters; at most {MaxValueLength} are allowed."
            : !result.TryAdd(key, value) ? "The key appears more than once."
            : null;
        if (problem is null) return true;
        Add(errors, $"{path}.{key}", problem);
        return false;
    }

    private static Dictionary<string, string>? Finish(Dictionary<string, string> result, bool ok, string path,
        IDictionary<string, string[]> errors)
    {
        if (result.Count > MaxKeys)
        {
            Add(errors, path, $"Metadata has {result.Count} keys; at most {MaxKeys} are allowed.");
            ok = false;
        }
        return ok ? result : null;
    }

    /// <summary>
    /// The canonical string of a scalar: strings as they are, booleans as <c>true</c>/<c>false</c>, numbers in their
    /// shortest round-trip invariant form (so <c>1</c>, <c>1.0</c> and <c>1e0</c> match each other).
    /// </summary>
    public static bool TryCanonical(JsonElement value, out string text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text = value.GetString()!;
                return true;
            case JsonValueKind.True:
                text = "true";
                return true;
            case JsonValueKind.False:
                text = "false";
                return true;
            case JsonValueKind.Number:
                // Integers stay exact beyond 2^53 (ids, timestamps); everything else goes through double.
                if (value.TryGetInt64(out var integer)) text = integer.ToString(CultureInfo.InvariantCulture);
                else if (value.TryGetDouble(out var real) && double.IsFinite(real))
                    text = real == Math.Floor(real) && Math.Abs(real) < 1e15
                        ? ((long)real).ToString(CultureInfo.InvariantCulture)
                        : real.ToString("R", CultureInfo.InvariantCulture);
                else text = value.GetRawText();
                return true;
            default:
                text = "";
                return false;
        }
    }

    internal static void Add(IDictionary<string, string[]> errors, string key, string message) =>
        errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];

    private static string Clip(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
