using FacePing.Core.Faces;
using FacePing.Core.Metadata;

namespace FacePing.Api.Validation;

/// <summary>
/// The checks several endpoints share, worded once: counts in a range (topK, limit, maxFaces), metadata keys named in
/// a request (groupBy, writeMetadataKey) and group names. Each adds its message to the request's errors.
/// </summary>
public static class RequestRules
{
    /// <summary>Nearest neighbours a vector or face search returns at most, and by default.</summary>
    public const int MaxTopK = 40;
    public const int DefaultTopK = 10;

    /// <summary><paramref name="value"/> (else <paramref name="fallback"/>), which must lie in 1..max.</summary>
    public static int Count(string name, int? value, int fallback, int max, IDictionary<string, string[]> errors)
    {
        var count = value ?? fallback;
        if (count < 1 || count > max) errors[name] = [$"{name} must be between 1 and {max}."];
        return count;
    }

    /// <summary>A share from 0 to 1 (a quality bar), when given.</summary>
    public static void Share(string name, double? value, IDictionary<string, string[]> errors)
    {
        if (value is < 0 or > 1 or double.NaN) errors[name] = [$"{name} must be between 0 and 1."];
    }

    /// <summary>A metadata key named by a request (<paramref name="name"/>), when given.</summary>
    public static void MetadataKey(string name, string? key, IDictionary<string, string[]> errors)
    {
        if (key is not null && !Names.IsValidName(key)) errors[name] = [$"{name} is a metadata key: {Names.NameRule}."];
    }

    /// <summary>The faces choice <paramref name="value"/> (absent: largest); an unknown one lists the allowed ones.
    /// </summary>
    public static FaceChoice Faces(string name, string? value, IDictionary<string, string[]> errors)
    {
        if (FaceChoices.TryParse(value, out var choice)) return choice;
        errors[name] = [$"{name} must be one of: {string.Join(", ", FaceChoices.Names)}."];
        return FaceChoice.Largest;
    }

    public static void GroupName(string name, string? group, IDictionary<string, string[]> errors)
    {
        if (group is not null && !Names.IsValidName(group)) errors[name] = [GroupNameMessage];
    }

    public static readonly string GroupNameMessage = $"Group names are {Names.NameRule}.";
}
