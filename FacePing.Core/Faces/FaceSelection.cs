using FacePing.Contracts.Inference;

namespace FacePing.Core.Faces;

/// <summary>
/// The faces of one photo after the face rules (<see cref="FaceRules.Select"/>): those accepted, largest first, each
/// with its embedding, and those rejected with their reasons. <see cref="FaceCount"/> counts every face detected.
/// </summary>
public sealed record FaceSelection(string Model, int FaceCount, IReadOnlyList<DetectedFace> Accepted,
    IReadOnlyList<RejectedFace> Rejected)
{
    /// <summary>
    /// The one accepted face of a <see cref="FaceChoice.Largest"/> selection; throws
    /// <see cref="LowQualityException"/> when it is under the bar, <see cref="NoFaceException"/> when there is none.
    /// </summary>
    public AcceptedFace Largest(string field)
    {
        if (Accepted.Count > 0) return new AcceptedFace(Accepted[0], FaceCount, Model);
        if (Rejected is [{ IsLowQuality: true } low, ..])
            throw new LowQualityException(field, low.Face.Quality!, low.MinQuality);
        throw new NoFaceException(field);
    }
}

/// <summary>A face the rules accepted, with the count of faces in its photo and the model that embedded it.</summary>
public sealed record AcceptedFace(DetectedFace Face, int FaceCount, string Model)
{
    public float[] Embedding => Face.Embedding!;
}
