namespace FacePing.Core.Faces;

/// <summary>Which faces of a photo a request uses.</summary>
public enum FaceChoice
{
    /// <summary>
    /// The largest whole, confident face (the one the Inference service puts first); the others are only counted.
    /// Every single-face endpoint and folder import uses it.
    /// </summary>
    Largest,

    /// <summary>Every face the Inference service embedded, largest first (identify; event photos).</summary>
    All,
}

/// <summary>The faces choice as requests spell it (<c>largest</c>, <c>all</c>).</summary>
public static class FaceChoices
{
    public const string Largest = "largest";
    public const string All = "all";

    /// <summary>The allowed values, as a problem lists them.</summary>
    public static readonly IReadOnlyList<string> Names = [Largest, All];

    /// <summary>
    /// The choice named <paramref name="value"/> (absent: <see cref="FaceChoice.Largest"/>); false if unknown.
    /// </summary>
    public static bool TryParse(string? value, out FaceChoice choice)
    {
        choice = value switch
        {
            null or Largest => FaceChoice.Largest,
            All => FaceChoice.All,
            _ => (FaceChoice)(-1),
        };
        return Enum.IsDefined(choice);
    }

    public static string Name(FaceChoice choice) => choice == FaceChoice.All ? All : Largest;
}
