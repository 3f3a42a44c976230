using System.ComponentModel.DataAnnotations;

namespace FacePing.Api.Faces;

/// <summary>Section <c>FacePing:Faces</c>: the calibrated threshold behind <c>isMatch</c>.</summary>
public sealed class FaceMatchOptions
{
    public const string Section = "FacePing:Faces";

    /// <summary>
    /// Cosine similarity at or above which two faces are the same person. Calibrated on the labelled fixtures
    /// (docs/calibration.md): the midpoint of the gap between the lowest genuine and the highest impostor score.
    /// </summary>
    [Range(-1.0, 1.0)]
    public double MatchThreshold { get; set; } = DefaultMatchThreshold;

    public const double DefaultMatchThreshold = 0.39;
}
