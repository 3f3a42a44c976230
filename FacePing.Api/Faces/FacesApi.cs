using System.Security.Claims;
using FacePing.Api.Auth;
using FacePing.Api.Groups;
using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Api.Vectors;
using FacePing.Core.Auth;
using FacePing.Core.Inference;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Core.Vectors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Faces;

/// <summary>
/// The image endpoints: compare two faces, turn a face into a vector, store a face in a group, search a group by face.
/// Each takes the largest detected face and reports how many faces the image had.
/// </summary>
public static class FacesApi
{
    private const string Multipart = FaceImageReader.Multipart;
    private const string JsonType = FaceImageReader.Json;

    public static IEndpointRouteBuilder MapFacesApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<ImageLimitsOptions>>().Value;
        // Body limits: the images themselves (base64 is 4/3 of the bytes) plus room for the envelope.
        long Body(int images, long imageBytes) => images * (imageBytes / 3 * 4 + 4) + 64 * 1024;

        var faces = app.MapGroup("/").WithTags("Faces").RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        faces.MapPost("/faces/compare", Compare).WithName("CompareFaces")
            .WithSummary("Similarity of the largest faces of two images (multipart Face1/Face2, or JSON base64)")
            .Accepts<CompareFacesRequest>(JsonType, Multipart)
            .WithJsonBodyLimit(Body(2, limits.MaxUploadBytes)).Produces<CompareFacesResponse>();
        faces.MapPost("/vector/generate", Generate).WithName("GenerateVector")
            .WithSummary("The embedding of the largest face of an image (multipart 'image', or JSON base64)")
            .Accepts<GenerateVectorRequest>(JsonType, Multipart)
            .WithJsonBodyLimit(Body(1, limits.MaxUploadBytes)).Produces<GenerateVectorResponse>();
        faces.MapPost("/groups/{groupName}/face", StoreFace).WithName("StoreFace").WithIdempotency()
            .WithSummary("Store the largest face of an uploaded image; metadata as ?metadata[key]=value; " +
                "optional ?minQuality=0..1")
            .Accepts<IFormFile>(Multipart).ProducesProblem(StatusCodes.Status404NotFound)
            .WithJsonBodyLimit(Body(1, limits.MaxUploadBytes))
            .Produces<StoredFaceResponse>(StatusCodes.Status201Created);
        faces.MapPost("/groups/{groupName}/face/base64", StoreFaceBase64).WithName("StoreFaceBase64")
            .WithIdempotency()
            .WithSummary("Store the largest face of a base64 image (data URL allowed, " +
                $"at most {limits.MaxBase64Bytes:N0} bytes decoded)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithJsonBodyLimit(Body(1, limits.MaxBase64Bytes))
            .Produces<StoredFaceResponse>(StatusCodes.Status201Created);
        faces.MapPost("/faces/detect", Detect).WithName("DetectFaces")
            .WithSummary("Every face of an image with its box, confidence, five landmarks and quality, " +
                "largest first; nothing stored")
            .Accepts<DetectFacesRequest>(JsonType, Multipart)
            .WithJsonBodyLimit(Body(1, limits.MaxUploadBytes)).Produces<DetectFacesResponse>()
            .WithResponseExample(StatusCodes.Status200OK, FaceExamples.Detect);
        faces.MapPost("/groups/{groupName}/faces/identify", Identify).WithName("IdentifyFaces")
            .WithSummary(
                "Every face of an image (largest first, up to maxFaces) searched in the group, with its matches")
            .Accepts<DetectFacesRequest>(JsonType, Multipart).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithJsonBodyLimit(Body(1, limits.MaxUploadBytes)).Produces<IdentifyFacesResponse>()
            .WithResponseExample(StatusCodes.Status200OK, FaceExamples.Identify);
        faces.MapPost("/groups/{groupName}/faces/search", SearchFaces).WithName("SearchFaces")
            .WithSummary("Stored faces most similar to the largest face of 'queryImage', " +
                "best first (one per identity with groupBy)")
            .Accepts<IFormFile>(Multipart).ProducesProblem(StatusCodes.Status404NotFound)
            .WithJsonBodyLimit(Body(1, limits.MaxUploadBytes)).Produces<IEnumerable<SearchHitResponse>>();
        return app;
    }

    public static async Task<Results<Ok<CompareFacesResponse>, ProblemHttpResult>> Compare(
        HttpContext context, [AsParameters] FaceServices services, CancellationToken cancellationToken)
    {
        var (first, second, problem) = await FaceImageReader.ReadTwoAsync(context, "Face1", "Face2",
            services.MaxUploadBytes, cancellationToken);
        using (first)
        using (second)
        {
            if (problem is not null) return problem;
            var faces = await Task.WhenAll(
                services.Analyzer.LargestFaceAsync(first!, "Face1", cancellationToken),
                services.Analyzer.LargestFaceAsync(second!, "Face2", cancellationToken));
            var (a, b) = (faces[0], faces[1]);
            var similarity = VectorMath.Cosine(a.Embedding, b.Embedding);
            var threshold = services.Match.Value.Threshold;
            return TypedResults.Ok(new CompareFacesResponse(similarity, similarity >= threshold, threshold,
                new ComparedFace(a.Box, a.Face.Confidence, a.FaceCount),
                new ComparedFace(b.Box, b.Face.Confidence, b.FaceCount)));
        }
    }

    public static async Task<Results<Ok<GenerateVectorResponse>, ProblemHttpResult>> Generate(
        HttpContext context, [AsParameters] FaceServices services, CancellationToken cancellationToken)
    {
        var read = await FaceImageReader.ReadOneAsync(context, "image", jsonField: "image", services.MaxUploadBytes,
            cancellationToken);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        var face = await services.Analyzer.LargestFaceAsync(image!, "image", cancellationToken);
        return TypedResults.Ok(new GenerateVectorResponse(VectorText.Format(face.Embedding), face.Embedding.Length,
            face.Model, face.Summary, face.FaceCount));
    }

    public static async Task<Results<Ok<DetectFacesResponse>, ProblemHttpResult>> Detect(
        HttpContext context, [AsParameters] FaceServices services, CancellationToken cancellationToken)
    {
        var read = await FaceImageReader.ReadOneAsync(context, "image", jsonField: "image", services.MaxUploadBytes,
            cancellationToken);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        var analysis = await services.Analyzer.AllFacesAsync(image!, "image", embedded: 0, cancellationToken);
        return TypedResults.Ok(new DetectFacesResponse(analysis.FaceCount, [.. LargestFirst(analysis.Faces).Select(f =>
            new DetectedFaceResponse(FaceBoxResponse.From(f.Box), f.Confidence, FaceLandmarksResponse.From(f.Landmarks),
                f.Quality))]));
    }

    public static async Task<Results<Ok<IdentifyFacesResponse>, ValidationProblem, ProblemHttpResult>> Identify(
        string groupName, int? topK, int? maxFaces, string? groupBy, HttpContext context, ClaimsPrincipal user,
        [AsParameters] FaceServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var k = topK ?? 1;
        if (k is < 1 or > MaxIdentifyTopK) errors["topK"] = [$"topK must be between 1 and {MaxIdentifyTopK}."];
        var most = maxFaces ?? DefaultMaxFaces;
        if (most is < 1 or > MaxFaces) errors["maxFaces"] = [$"maxFaces must be between 1 and {MaxFaces}."];
        if (groupBy is not null && !Names.IsValidName(groupBy))
            errors["groupBy"] = [$"groupBy is a metadata key: {Names.NameRule}."];
        if (errors.Count > 0) return Problems.Validation(errors);
        if (GroupsApi.InvalidName(groupName) is { } invalid) return invalid;
        var tenant = user.Tenant();
        if (await services.Store.GetGroupAsync(tenant, groupName, cancellationToken) is not { } group)
            return Problems.GroupNotFound(groupName);

        var read = await FaceImageReader.ReadOneAsync(context, "image", jsonField: "image", services.MaxUploadBytes,
            cancellationToken);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        // One Inference call embeds every face needed (side by side there); the searches then go out together.
        var analysis = await services.Analyzer.AllFacesAsync(image!, "image", embedded: most, cancellationToken);
        if (group.Model is { } held && held != analysis.Model)
            throw new ModelMismatchException(groupName, held, analysis.Model);

        var match = services.Match.Value;
        var faces = LargestFirst(analysis.Faces.Where(f => f.Embedding is not null)).ToArray();
        var searches = faces.Select(f => f.Quality is { } q && q.Score < match.MinIdentifyQuality
            ? Task.FromResult<IReadOnlyList<SearchHit>>([])
            : groupBy is not null
                ? services.Store.SearchIdentitiesAsync(tenant, groupName, f.Embedding!, k, groupBy, null,
                    cancellationToken)
                : services.Store.SearchAsync(tenant, groupName, f.Embedding!, k, null, cancellationToken)).ToArray();
        var hits = await Task.WhenAll(searches);
        var threshold = match.Threshold;
        return TypedResults.Ok(new IdentifyFacesResponse(analysis.FaceCount,
            [.. faces.Select((f, i) => new IdentifiedFaceResponse(
            FaceBoxResponse.From(f.Box), f.Confidence, f.Quality,
            [.. hits[i].Select(h => new IdentityMatchResponse(h.Id, h.Score, h.Score >= threshold, h.Metadata))]))]));
    }

    public const int MaxIdentifyTopK = 10;
    public const int DefaultMaxFaces = 20;
    public const int MaxFaces = 100;

    private static IEnumerable<DetectedFace> LargestFirst(IEnumerable<DetectedFace> faces) =>
        faces.OrderByDescending(f => f.Box.Width * f.Box.Height);

    public static async Task<Results<Created<StoredFaceResponse>, ValidationProblem, ProblemHttpResult>> StoreFace(
        string groupName, double? minQuality, HttpContext context, ClaimsPrincipal user,
        [AsParameters] FaceServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var metadata = QueryMetadata.Read(context.Request.Query, errors);
        var bar = services.Match.Value.EnrolBar(minQuality, errors);
        if (metadata is null || errors.Count > 0) return Problems.Validation(errors);
        if (GroupsApi.InvalidName(groupName) is { } invalid) return invalid;
        if (!await GroupExistsAsync(groupName, user, services.Store, cancellationToken))
            return Problems.GroupNotFound(groupName);

        var read = await FaceImageReader.ReadFormImageAsync(context, "image", services.MaxUploadBytes,
            cancellationToken);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        return await StoreLargestFaceAsync(groupName, image!, "image", metadata, VectorSources.Image, bar, user,
            services, cancellationToken);
    }

    public static async Task<Results<Created<StoredFaceResponse>, ValidationProblem, ProblemHttpResult>>
        StoreFaceBase64(string groupName, StoreFaceBase64Request request, ClaimsPrincipal user,
        [AsParameters] FaceServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var metadata = MetadataRules.ReadForStore(request.Metadata, "metadata", errors);
        var bar = services.Match.Value.EnrolBar(request.MinQuality, errors);
        if (metadata is null || errors.Count > 0) return Problems.Validation(errors);
        if (GroupsApi.InvalidName(groupName) is { } invalid) return invalid;
        if (!await GroupExistsAsync(groupName, user, services.Store, cancellationToken))
            return Problems.GroupNotFound(groupName);

        var read = ImageUpload.FromBase64(request.Base64Image, "base64Image", services.Limits.Value.MaxBase64Bytes);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        return await StoreLargestFaceAsync(groupName, image!, "base64Image", metadata, VectorSources.Base64, bar, user,
            services, cancellationToken);
    }

    public static async Task<Results<Ok<IEnumerable<SearchHitResponse>>, ValidationProblem, ProblemHttpResult>>
        SearchFaces(string groupName, int? topK, string? groupBy, HttpContext context, ClaimsPrincipal user,
        [AsParameters] FaceServices services, CancellationToken cancellationToken)
    {
        var k = topK ?? VectorsApi.DefaultTopK;
        if (k is < 1 or > VectorsApi.MaxTopK)
            return Problems.Validation("topK", $"topK must be between 1 and {VectorsApi.MaxTopK}.");
        if (groupBy is not null && !Names.IsValidName(groupBy))
            return Problems.Validation("groupBy", $"groupBy is a metadata key: {Names.NameRule}.");
        if (GroupsApi.InvalidName(groupName) is { } invalid) return invalid;
        if (await services.Store.GetGroupAsync(user.Tenant(), groupName, cancellationToken) is not { } group)
            return Problems.GroupNotFound(groupName);

        var read = await FaceImageReader.ReadFormImageAsync(context, "queryImage", services.MaxUploadBytes,
            cancellationToken);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        var face = await services.Analyzer.LargestFaceAsync(image!, "queryImage", cancellationToken);
        // Vectors of another model are not comparable with this face; the store would rank them meaninglessly.
        if (group.Model is { } held && held != face.Model)
            throw new ModelMismatchException(groupName, held, face.Model);

        var hits = groupBy is not null
            ? await services.Store.SearchIdentitiesAsync(user.Tenant(), groupName, face.Embedding, k, groupBy, null,
                cancellationToken)
            : await services.Store.SearchAsync(user.Tenant(), groupName, face.Embedding, k, filter: null,
                cancellationToken);
        return TypedResults.Ok(hits.Select(h => new SearchHitResponse(h.Id, h.Score, h.Metadata)));
    }

    private static async Task<Results<Created<StoredFaceResponse>, ValidationProblem, ProblemHttpResult>>
        StoreLargestFaceAsync(string groupName, ImageUpload image, string field,
        IReadOnlyDictionary<string, string> metadata, string source, double minQuality, ClaimsPrincipal user,
        FaceServices services, CancellationToken cancellationToken)
    {
        var face = await services.Analyzer.LargestFaceAsync(image, field, cancellationToken);
        if (face.Face.Quality is { } quality && quality.Score < minQuality)
            throw new LowQualityException(field, quality, minQuality);
        // GroupNotFound (deleted meanwhile), ModelMismatch and DimensionMismatch propagate to ProblemExceptionHandler.
        var id = await services.Store.AddAsync(user.Tenant(), groupName,
            new VectorWrite(face.Embedding, metadata, source), cancellationToken, face.Model);
        return TypedResults.Created($"/vectors/{id}",
            new StoredFaceResponse(id, groupName, face.Summary, face.FaceCount));
    }

    /// <summary>Checked before any image work, so a typo in the group name costs no inference.</summary>
    private static async Task<bool> GroupExistsAsync(string groupName, ClaimsPrincipal user, FaceStore store,
        CancellationToken cancellationToken) =>
        await store.GetGroupAsync(user.Tenant(), groupName, cancellationToken) is not null;
}
