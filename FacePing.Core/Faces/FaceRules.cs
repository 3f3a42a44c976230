using FacePing.Contracts.Inference;
using FacePing.Core.Storage;

namespace FacePing.Core.Faces;

/// <summary>
/// The rules of accepting a face, in one place: which faces a request uses (<see cref="FaceChoice"/>), the quality
/// bar, and the model check. Pure functions of an analysis, so they are tested without a service.
/// </summary>
public static class FaceRules
{
    /// <summary>
    /// Chooses the faces of <paramref name="analysis"/> and applies the quality bar: a face with a quality score
    /// under <paramref name="minQuality"/> is rejected with its issues (0 = no bar). <see cref="FaceChoice.Largest"/>
    /// judges only the first face (the Inference service's choice); <see cref="FaceChoice.All"/> judges every face,
    /// largest first, and rejects those without an embedding, and those whose box's shorter side is under
    /// <paramref name="minFaceSize"/> pixels (reason <c>small</c>; 0 = no bar).
    /// </summary>
    public static FaceSelection Select(FaceAnalysis analysis, FaceChoice choice, double minQuality,
        int minFaceSize = 0)
    {
        var accepted = new List<DetectedFace>();
        var rejected = new List<RejectedFace>();
        IEnumerable<DetectedFace> candidates = choice == FaceChoice.Largest
            ? analysis.Faces.Take(1)
            : LargestFirst(analysis.Faces);
        foreach (var face in candidates)
        {
            if (face.Embedding is not { Length: > 0 })
            {
                // The largest face unembedded means no usable face at all: nothing to report but that.
                if (choice == FaceChoice.All)
                    rejected.Add(new RejectedFace(face, [RejectedFace.NotEmbedded], minQuality));
            }
            else if (face.Quality is { } sized && sized.FaceSize < minFaceSize)
            {
                rejected.Add(new RejectedFace(face, [RejectedFace.Small], minQuality) { MinFaceSize = minFaceSize });
            }
            else if (face.Quality is { } quality && quality.Score < minQuality)
            {
                rejected.Add(new RejectedFace(face, quality.Issues.Count > 0 ? quality.Issues : ["quality"],
                    minQuality));
            }
            else
            {
                accepted.Add(face);
            }
        }
        return new FaceSelection(analysis.Model, analysis.FaceCount, accepted, rejected);
    }

    /// <summary>Faces ordered by the area of their box, largest first (stable for equal areas).</summary>
    public static IEnumerable<DetectedFace> LargestFirst(IEnumerable<DetectedFace> faces) =>
        faces.OrderByDescending(f => f.Area);

    /// <summary>
    /// Vectors of another model are not comparable with a face of <paramref name="model"/>: searching or storing them
    /// together would rank meaninglessly. A group without faces yet takes any model.
    /// </summary>
    public static void RequireModel(GroupHead group, string model)
    {
        if (group.Model is { } held && held != model) throw new ModelMismatchException(group.Name, held, model);
    }
}
