using FacePing.Api.Infrastructure;
using FacePing.Core.Auth;
using FacePing.Core.Vectors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Faces;

/// <summary>
/// The image endpoints that store nothing: compare two faces, turn a face into a vector, detect every face. The
/// face service does the work; these read the images and shape the answers. Failures are domain exceptions that
/// ProblemExceptionHandler answers.
/// </summary>
public static class FacesApi
{
    public static IEndpointRouteBuilder MapFacesApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<ImageLimitsOptions>>().Value;
        var faces = MapFaceGroup(app, "/");

        faces.MapPost("/faces/compare", Compare).WithName("CompareFaces")
            .WithSummary("Similarity of the largest faces of two images (multipart Face1/Face2, or JSON base64)")
            .Accepts<CompareFacesRequest>(FaceImageReader.Json, FaceImageReader.Multipart)
            .WithJsonBodyLimit(limits.BodyLimit(2)).Produces<CompareFacesResponse>();
        faces.MapPost("/vector/generate", Generate).WithName("GenerateVector")
            .WithSummary("The embedding of the largest face of an image (multipart 'image', or JSON base64)")
            .Accepts<GenerateVectorRequest>(FaceImageReader.Json, FaceImageReader.Multipart)
            .WithJsonBodyLimit(limits.BodyLimit(1)).Produces<GenerateVectorResponse>();
        faces.MapPost("/faces/detect", Detect).WithName("DetectFaces")
            .WithSummary("Every face of an image with its box, confidence, five landmarks and quality, " +
                "largest first; nothing stored")
            .Accepts<DetectFacesRequest>(FaceImageReader.Json, FaceImageReader.Multipart)
            .WithJsonBodyLimit(limits.BodyLimit(1)).Produces<DetectFacesResponse>()
            .WithResponseExample(StatusCodes.Status200OK, FaceExamples.Detect);
        return app;
    }

    /// <summary>
    /// The route group of image endpoints: tenant keys, and the problems every one of them can answer.
    /// </summary>
    internal static RouteGroupBuilder MapFaceGroup(IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).WithTags("Faces").RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<Ok<CompareFacesResponse>> Compare([AsParameters] FaceRequest request)
    {
        var (first, second) = await FaceImageReader.ReadTwoAsync(request.Context, "Face1", "Face2",
            request.Limits.Value.MaxUploadBytes, request.CancellationToken);
        using (first)
        using (second)
        {
            var c = await request.Faces.CompareAsync(first.Face, second.Face, request.CancellationToken);
            return TypedResults.Ok(new CompareFacesResponse(c.Similarity, c.IsMatch, c.Threshold,
                ComparedFace.From(c.First), ComparedFace.From(c.Second)));
        }
    }

    public static async Task<Ok<GenerateVectorResponse>> Generate([AsParameters] FaceRequest request)
    {
        using var image = await request.ReadImageAsync("image");
        var face = await request.Faces.LargestFaceAsync(image.Face, cancellationToken: request.CancellationToken);
        return TypedResults.Ok(new GenerateVectorResponse(VectorText.Format(face.Embedding), face.Embedding.Length,
            face.Model, FaceResponse.From(face.Face), face.FaceCount));
    }

    public static async Task<Ok<DetectFacesResponse>> Detect([AsParameters] FaceRequest request)
    {
        using var image = await request.ReadImageAsync("image");
        var analysis = await request.Faces.DetectAsync(image.Face, request.CancellationToken);
        return TypedResults.Ok(new DetectFacesResponse(analysis.FaceCount,
            [.. analysis.Faces.Select(DetectedFaceResponse.From)]));
    }
}
