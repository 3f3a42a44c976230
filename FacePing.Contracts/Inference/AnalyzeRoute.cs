namespace FacePing.Contracts.Inference;

/// <summary>
/// The internal wire contract of the Inference service: <c>POST /v1/analyze?embed=largest|all|none[&amp;max=N]</c> with
/// the raw image bytes as the body (<c>application/octet-stream</c>), answered with a <see cref="FaceAnalysis"/>;
/// <c>max</c> limits how many faces <c>all</c> embeds (the used face, then the largest). Errors are problem+json
/// of the problem catalogue: 400 empty body, 413 too many bytes or pixels, 415 not a decodable image.
/// </summary>
public static class AnalyzeRoute
{
    public const string Group = "/v1";
    public const string Path = "/analyze";
    public const string EmbedQuery = "embed";
    public const string MaxQuery = "max";

    /// <summary>The request path and query for <paramref name="embed"/> (and at most <paramref name="max"/>).</summary>
    public static string For(EmbedMode embed, int? max = null)
    {
        var path = $"{Group}{Path}?{EmbedQuery}={embed.ToString().ToLowerInvariant()}";
        return embed == EmbedMode.All && max is { } n ? $"{path}&{MaxQuery}={n}" : path;
    }
}
