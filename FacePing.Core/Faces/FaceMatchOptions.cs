using System.ComponentModel.DataAnnotations;

namespace FacePing.Core.Faces;

/// <summary>Section <c>FacePing:Faces</c>: the threshold behind <c>isMatch</c> and the quality bars.</summary>
public sealed class FaceMatchOptions : IValidatableObject
{
    public const string Section = "FacePing:Faces";

    /// <summary>
    /// Share of pairs of different people that may be called a match (default 0.1 %); the threshold comes from the
    /// model's calibration on LFW (<see cref="FaceModelCalibration"/>, docs/accuracy.md).
    /// </summary>
    public double FalseAcceptRate { get; set; } = FaceModelCalibration.DefaultFalseAcceptRate;

    /// <summary>A cosine similarity to use instead of the calibrated one (for a model or data of your own).</summary>
    [Range(-1.0, 1.0)]
    public double? MatchThreshold { get; set; }

    /// <summary>
    /// Quality score (0–1) a face needs to be stored (face uploads and folder imports; a request's own
    /// <c>minQuality</c> wins). 0 = off, as the original service.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinEnrolQuality { get; set; }

    /// <summary>
    /// Below this quality score <c>/faces/identify</c> does not search a face and lists it with no matches: on LFW
    /// photos blurred or shrunk to this level most genuine pairs fail (docs/quality.md).
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinIdentifyQuality { get; set; } = 0.1;

    /// <summary>
    /// With <c>faces=all</c> (every face of a photo stored): faces whose box is shorter than this many pixels are
    /// counted and reported but not stored. Below ~20 px a face carries too little detail for the recognition model
    /// (112 px input) to tell people apart; the crowd measurements in docs/detection.md count faces from 16 px.
    /// </summary>
    [Range(0, 10_000)]
    public int MinAllFaceSize { get; set; } = 20;

    /// <summary>
    /// With <c>faces=all</c>: the quality score a face needs to be stored when the request sets none (and
    /// <see cref="MinEnrolQuality"/> is lower). The identify bar: blurred, tiny or turned-away faces below it
    /// mostly fail to match on LFW (docs/quality.md), so storing them adds noise, not findable people.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinAllQuality { get; set; } = 0.1;

    /// <summary>The quality bar of one enrolment: the request's own, else <see cref="MinEnrolQuality"/>.</summary>
    public double EnrolmentBar(double? requested) => requested ?? MinEnrolQuality;

    /// <summary>
    /// The quality bar of storing a photo's faces: <see cref="EnrolmentBar"/> for the largest face; for every face the
    /// request's own, else the higher of <see cref="MinEnrolQuality"/> and <see cref="MinAllQuality"/>.
    /// </summary>
    public double EnrolmentBar(FaceChoice choice, double? requested) => choice == FaceChoice.All
        ? requested ?? Math.Max(MinEnrolQuality, MinAllQuality)
        : EnrolmentBar(requested);

    /// <summary>Two faces are the same person when their cosine similarity is at least this.</summary>
    public double Threshold => MatchThreshold ?? FaceModelCalibration.ThresholdAt(FalseAcceptRate);

    /// <summary>The threshold users get without configuration.</summary>
    public static double DefaultThreshold =>
        FaceModelCalibration.ThresholdAt(FaceModelCalibration.DefaultFalseAcceptRate);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MatchThreshold is null && (FalseAcceptRate < FaceModelCalibration.MinFalseAcceptRate
            || FalseAcceptRate > FaceModelCalibration.MaxFalseAcceptRate))
        {
            yield return new ValidationResult(
                $"{Section}:FalseAcceptRate must lie within the calibrated range " +
                $"{FaceModelCalibration.MinFalseAcceptRate:0.#####}–{FaceModelCalibration.MaxFalseAcceptRate}; " +
                $"set {Section}:MatchThreshold to use a threshold of your own.",
                [nameof(FalseAcceptRate)]);
        }
    }
}
