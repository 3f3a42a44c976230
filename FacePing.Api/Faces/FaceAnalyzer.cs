using FacePing.Core.Inference;

namespace FacePing.Api.Faces;

/// <summary>
/// Turns an uploaded image into the face the API uses (box, confidence, embedding) through the Inference service.
/// Failures propagate as exceptions ProblemExceptionHandler answers: <see cref="NoFaceException"/> (422),
/// <see cref="ImageRejectedException"/> naming the field (413/415), <see cref="InferenceUnavailableException"/> (503).
/// </summary>
public sealed class FaceAnalyzer(InferenceClient inference)
{
    public async Task<LargestFace> LargestFaceAsync(ImageUpload image, string field,
        CancellationToken cancellationToken)
    {
        FaceAnalysis analysis;
        try
        {
            analysis = await inference.AnalyzeAsync(image.Bytes, EmbedMode.Largest, cancellationToken);
        }
        catch (ImageRejectedException ex) when (ex.Field is null)
        {
            throw ex.ForField(field);
        }
        if (analysis.Faces.Count == 0 || analysis.Faces[0].Embedding is not { Length: > 0 })
            throw new NoFaceException(field);
        return new LargestFace(analysis.Faces[0], analysis.FaceCount, analysis.Model);
    }

    /// <summary>
    /// Every face with landmarks and quality; the first <paramref name="embedded"/> faces also embedded.
    /// </summary>
    public async Task<FaceAnalysis> AllFacesAsync(ImageUpload image, string field, int embedded,
        CancellationToken cancellationToken)
    {
        try
        {
            return await inference.AnalyzeAsync(image.Bytes, embedded > 0 ? EmbedMode.All : EmbedMode.None,
                cancellationToken, embedded > 0 ? embedded : null);
        }
        catch (ImageRejectedException ex) when (ex.Field is null)
        {
            throw ex.ForField(field);
        }
    }
}

public sealed record LargestFace(DetectedFace Face, int FaceCount, string Model)
{
    public float[] Embedding => Face.Embedding!;

    public FaceBoxResponse Box => FaceBoxResponse.From(Face.Box);

    public FaceResponse Summary => new(Box, Face.Confidence, Face.Quality);
}
