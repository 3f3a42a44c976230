using FacePing.Core.Inference;

namespace FacePing.Api.Faces;

/// <summary>
/// Turns an uploaded image into its largest face (box, confidence, embedding) through the Inference service, and every
/// way that can fail into the problem the caller sees: 413/415 from the image, 422 without a face, 503 without inference.
/// </summary>
public sealed class FaceAnalyzer(InferenceClient inference)
{
    public async Task<FaceResult> LargestFaceAsync(ImageUpload image, string field, HttpContext context, CancellationToken cancellationToken)
    {
        FaceAnalysis analysis;
        try
        {
            analysis = await inference.AnalyzeAsync(image.Bytes, EmbedMode.Largest, cancellationToken);
        }
        catch (ImageRejectedException ex)
        {
            return FaceResult.Fail(ImageProblems.Rejected(ex, field));
        }
        catch (InferenceUnavailableException)
        {
            return FaceResult.Fail(ImageProblems.InferenceDown(context));
        }

        if (analysis.Faces.Count == 0 || analysis.Faces[0].Embedding is not { Length: > 0 })
            return FaceResult.Fail(ImageProblems.NoFace(field));
        return FaceResult.Ok(new LargestFace(analysis.Faces[0], analysis.FaceCount, analysis.Model));
    }
}

public sealed record LargestFace(DetectedFace Face, int FaceCount, string Model)
{
    public float[] Embedding => Face.Embedding!;

    public FaceBoxResponse Box => new(
        (int)MathF.Round(Face.Box.X), (int)MathF.Round(Face.Box.Y),
        (int)MathF.Round(Face.Box.Width), (int)MathF.Round(Face.Box.Height));

    public FaceResponse Summary => new(Box, Face.Confidence);
}

public readonly record struct FaceResult(LargestFace? Face, IResult? Problem)
{
    public static FaceResult Ok(LargestFace face) => new(face, null);

    public static FaceResult Fail(IResult problem) => new(null, problem);
}
