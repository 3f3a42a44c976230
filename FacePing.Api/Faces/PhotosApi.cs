using FacePing.Api.Infrastructure;
using FacePing.Api.Validation;
using FacePing.Contracts.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Faces;

/// <summary>
/// Photos of a group found by a selfie: one row per photo (its best face), best first, paged by offset. The face
/// service finds them; this binds, checks and shapes.
/// </summary>
public static class PhotosApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Deepest page start: a search ranks at most FaceStore.MaxGroupByVectors faces.</summary>
    public const int MaxOffset = 1000;

    public static IEndpointRouteBuilder MapPhotosApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<ImageLimitsOptions>>().Value;
        var photos = FacesApi.MapFaceGroup(app, "/groups/{groupName}").ValidatesGroupName()
            .ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapPost("/photos/search", SearchPhotos).WithName("SearchPhotos")
            .WithSummary("Photos the largest face of 'queryImage' appears in: one row per photo (its best face, box " +
                "and score), best first, scores ≥ minScore (default: the match threshold); paged with limit and " +
                "offset (nextOffset)")
            .Accepts<IFormFile>(FaceImageReader.Multipart)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithJsonBodyLimit(limits.BodyLimit(1)).Produces<PhotoSearchResponse>()
            .WithResponseExample(StatusCodes.Status200OK, FaceExamples.Photos);
        return app;
    }

    public static async Task<Results<Ok<PhotoSearchResponse>, ValidationProblem>> SearchPhotos(
        string groupName, int? limit, int? offset, double? minScore, [AsParameters] FaceRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var take = RequestRules.Count("limit", limit, DefaultLimit, MaxLimit, errors);
        var skip = offset ?? 0;
        if (skip is < 0 or > MaxOffset) errors["offset"] = [$"offset must be between 0 and {MaxOffset}."];
        if (minScore is < -1 or > 1 or double.NaN) errors["minScore"] = ["minScore must be between -1 and 1."];
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        var group = await request.OpenGroupAsync(groupName);
        using var image = await request.ReadFormImageAsync("queryImage");
        var threshold = request.Faces.Threshold;
        var found = await request.Faces.SearchPhotosAsync(group, image.Face, minScore ?? threshold, skip, take,
            request.CancellationToken);
        return TypedResults.Ok(PhotoSearchResponse.From(found, threshold, skip));
    }
}
