using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Api.Validation;
using FacePing.Contracts.Problems;
using FacePing.Core.Faces;
using FacePing.Core.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Faces;

/// <summary>
/// Faces in a group: store the largest face of an image (or every face, faces=all), search the group by face,
/// identify every face of a photo.
/// Each checks its query first, then reads the group once (a missing group costs no inference), then the image; the
/// face service applies the face rules and the model check.
/// </summary>
public static class GroupFacesApi
{
    public const int MaxIdentifyTopK = 10;
    public const int DefaultMaxFaces = 20;
    public const int MaxFaces = 100;

    public static IEndpointRouteBuilder MapGroupFacesApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<ImageLimitsOptions>>().Value;
        var faces = FacesApi.MapFaceGroup(app, "/groups/{groupName}").ValidatesGroupName()
            .ProducesProblem(StatusCodes.Status404NotFound);

        faces.MapPost("/face", StoreFace).WithName("StoreFace").WithIdempotency()
            .WithSummary("Store the largest face of an uploaded image (StoredFaceResponse), or with ?faces=all every " +
                "face that passes the quality and size bars, one vector each, with the rejected ones and why " +
                "(StoredPhotoResponse); metadata as ?metadata[key]=value; optional ?minQuality=0..1")
            .Accepts<IFormFile>(FaceImageReader.Multipart)
            .WithJsonBodyLimit(limits.BodyLimit(1))
            .Produces<StoredFaceResponse>(StatusCodes.Status201Created)
            .ProducesAlternative<StoredPhotoResponse>(StatusCodes.Status201Created, "faces=all");
        faces.MapPost("/face/base64", StoreFaceBase64).WithName("StoreFaceBase64").WithIdempotency()
            .WithSummary("Store the largest face of a base64 image (data URL allowed, " +
                $"at most {limits.MaxBase64Bytes:N0} bytes decoded), or with ?faces=all every face, as /face does")
            .WithJsonBodyLimit(limits.BodyLimit(1, limits.MaxBase64Bytes))
            .Produces<StoredFaceResponse>(StatusCodes.Status201Created)
            .ProducesAlternative<StoredPhotoResponse>(StatusCodes.Status201Created, "faces=all");
        faces.MapPost("/faces/identify", Identify).WithName("IdentifyFaces")
            .WithSummary(
                "Every face of an image (largest first, up to maxFaces) searched in the group, with its matches")
            .Accepts<DetectFacesRequest>(FaceImageReader.Json, FaceImageReader.Multipart)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithJsonBodyLimit(limits.BodyLimit(1)).Produces<IdentifyFacesResponse>()
            .WithResponseExample(StatusCodes.Status200OK, FaceExamples.Identify);
        faces.MapPost("/faces/search", SearchFaces).WithName("SearchFaces")
            .WithSummary("Stored faces most similar to the largest face of 'queryImage', " +
                "best first (one per identity with groupBy)")
            .Accepts<IFormFile>(FaceImageReader.Multipart)
            .WithJsonBodyLimit(limits.BodyLimit(1)).Produces<IEnumerable<Vectors.SearchHitResponse>>();
        return app;
    }

    public static async Task<Results<Created<StoredFaceResponse>, Created<StoredPhotoResponse>, ValidationProblem>>
        StoreFace(string groupName, double? minQuality, string? faces, [AsParameters] FaceRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var metadata = QueryMetadata.Read(request.Context.Request.Query, errors);
        var choice = RequestRules.Faces("faces", faces, errors);
        RequestRules.Share("minQuality", minQuality, errors);
        if (metadata is null || errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        var group = await request.OpenGroupAsync(groupName);
        using var image = await request.ReadFormImageAsync("image");
        return await StoreChosenAsync(group, image, metadata, VectorSources.Image, choice, minQuality, request);
    }

    public static async Task<Results<Created<StoredFaceResponse>, Created<StoredPhotoResponse>, ValidationProblem>>
        StoreFaceBase64(string groupName, string? faces, StoreFaceBase64Request body,
            [AsParameters] FaceRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var metadata = MetadataRules.ReadForStore(body.Metadata, "metadata", errors);
        var choice = RequestRules.Faces("faces", faces, errors);
        RequestRules.Share("minQuality", body.MinQuality, errors);
        if (metadata is null || errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        var group = await request.OpenGroupAsync(groupName);
        using var image = ImageUpload.FromBase64(body.Base64Image, "base64Image", request.Limits.Value.MaxBase64Bytes);
        return await StoreChosenAsync(group, image, metadata, VectorSources.Base64, choice, body.MinQuality, request);
    }

    // The largest face (StoredFaceResponse), or every face that passes the bars (StoredPhotoResponse).
    private static async Task<Results<Created<StoredFaceResponse>, Created<StoredPhotoResponse>, ValidationProblem>>
        StoreChosenAsync(Core.Storage.GroupHead group, ImageUpload image, IReadOnlyDictionary<string, string> metadata,
            string source, FaceChoice choice, double? minQuality, FaceRequest request)
    {
        var bar = request.Faces.EnrolmentBar(choice, minQuality);
        if (choice == FaceChoice.Largest) return await StoreAsync(group, image, metadata, source, bar, request);
        var photo = await request.Faces.StorePhotoAsync(group, image.Face, metadata, source, bar,
            request.CancellationToken);
        return TypedResults.Created($"/vectors/{photo.Faces[0].Id}", StoredPhotoResponse.From(photo, group.Name));
    }

    public static async Task<Results<Ok<IdentifyFacesResponse>, ValidationProblem>> Identify(
        string groupName, int? topK, int? maxFaces, string? groupBy, [AsParameters] FaceRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var k = RequestRules.Count("topK", topK, 1, MaxIdentifyTopK, errors);
        var most = RequestRules.Count("maxFaces", maxFaces, DefaultMaxFaces, MaxFaces, errors);
        RequestRules.MetadataKey("groupBy", groupBy, errors);
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        var group = await request.OpenGroupAsync(groupName);
        using var image = await request.ReadImageAsync("image");
        var found = await request.Faces.IdentifyAsync(group, image.Face, k, most, groupBy, request.CancellationToken);
        return TypedResults.Ok(IdentifyFacesResponse.From(found));
    }

    public static async Task<Results<Ok<IEnumerable<Vectors.SearchHitResponse>>, ValidationProblem>> SearchFaces(
        string groupName, int? topK, string? groupBy, [AsParameters] FaceRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var k = RequestRules.Count("topK", topK, RequestRules.DefaultTopK, RequestRules.MaxTopK, errors);
        RequestRules.MetadataKey("groupBy", groupBy, errors);
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        var group = await request.OpenGroupAsync(groupName);
        using var image = await request.ReadFormImageAsync("queryImage");
        var hits = await request.Faces.SearchAsync(group, image.Face, k, groupBy, request.CancellationToken);
        return TypedResults.Ok(hits.Select(Vectors.SearchHitResponse.From));
    }

    private static async Task<Created<StoredFaceResponse>> StoreAsync(
        Core.Storage.GroupHead group, ImageUpload image, IReadOnlyDictionary<string, string> metadata, string source,
        double minQuality, FaceRequest request)
    {
        var stored = await request.Faces.StoreLargestAsync(group, image.Face, metadata, source, minQuality,
            request.CancellationToken);
        var face = stored.Face;
        return TypedResults.Created($"/vectors/{stored.Id}",
            new StoredFaceResponse(stored.Id, group.Name, FaceResponse.From(face.Face), face.FaceCount));
    }
}
