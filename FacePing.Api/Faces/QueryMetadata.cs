using FacePing.Core.Metadata;

namespace FacePing.Api.Faces;

/// <summary>
/// Metadata given as query parameters <c>?metadata[key]=value</c> (the multipart face upload's form, as in the
/// original service). Values are strings; the same rules as JSON metadata apply.
/// </summary>
public static class QueryMetadata
{
    private const string Prefix = "metadata[";

    public static Dictionary<string, string>? Read(IQueryCollection query, IDictionary<string, string[]> errors)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            if (!name.EndsWith(']') || name.Length == Prefix.Length + 1)
            {
                AddError(errors, $"'{name}' is not of the form metadata[key]=value.");
                continue;
            }
            if (values.Count != 1)
            {
                AddError(errors, $"'{name}' is given {values.Count} times; give each key once.");
                continue;
            }
            pairs[name[Prefix.Length..^1]] = values[0] ?? "";
        }
        return errors.Count > 0 ? null : MetadataRules.ReadPairsForStore(pairs, "metadata", errors);
    }

    private static void AddError(IDictionary<string, string[]> errors, string message) =>
        errors["metadata"] = errors.TryGetValue("metadata", out var existing) ? [.. existing, message] : [message];
}
