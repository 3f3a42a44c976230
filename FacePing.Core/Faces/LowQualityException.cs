using FacePing.Contracts.Inference;

namespace FacePing.Core.Faces;

/// <summary>The face is below the enrolment quality bar (answered 422 with its quality and the reasons).</summary>
public sealed class LowQualityException(string field, FaceQuality quality, double minimum)
    : Exception($"The face in '{field}' has quality {quality.Score:0.###}, below the required {minimum:0.###}.")
{
    public string Field { get; } = field;
    public FaceQuality Quality { get; } = quality;
    public double Minimum { get; } = minimum;

    /// <summary>The quality issues, or "quality" when the score is low without a single clear cause.</summary>
    public IReadOnlyList<string> Reasons => Quality.Issues.Count > 0 ? Quality.Issues : ["quality"];
}
