using System.Security.Claims;
using System.Text.Json;
using FacePing.Api.Auth;
using FacePing.Api.Infrastructure;
using FacePing.Api.Vectors;
using FacePing.Core.Auth;
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
    private const string Multipart = "multipart/form-data";
    private const string JsonType = "application/json";

    public static IEndpointRouteBuilder MapFacesApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<ImageLimitsOptions>>().Value;
        // Body limits: the images themselves (base64 is 4/3 of the bytes) plus room for the envelope.
        long Body(int images, long imageBytes) => images * (imageBytes / 3 * 4 + 4) + 64 * 1024;

        var faces = app.MapGroup("/").WithTags("Faces").RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        faces.MapPost("/faces/compare", Compare).WithName("CompareFaces")
            .WithSummary("Similarity of the largest faces of two images (multipart Face1/Face2, or JSON base64)")
            .Accepts<CompareFacesRequest>(JsonType, Multipart)
            .WithJsonBodyLimit(Body(2, limits.MaxUploadBytes)).Produces<CompareFacesResponse>();
        faces.MapPost("/vector/generate", Generate).WithName("GenerateVector")
            .WithSummary("The embedding of the largest face of an image (multipart 'image', or JSON base64)")
            .Accepts<GenerateVectorRequest>(JsonType, Multipart)
            .WithJsonBodyLimit(Body(1, limits.MaxUploadBytes)).Produces<GenerateVectorResponse>();
        faces.MapPost("/groups/{groupName}/face", StoreFace).WithName("StoreFace")
            .WithSummary("Store the largest face of an uploaded image; metadata as ?metadata[key]=value")
            .Accepts<IFormFile>(Multipart).ProducesProblem(StatusCodes.Status404NotFound)
            .WithJsonBodyLimit(Body(1, limits.MaxUploadBytes)).Produces<StoredFaceResponse>(StatusCodes.Status201Created);
        faces.MapPost("/groups/{groupName}/face/base64", StoreFaceBase64).WithName("StoreFaceBase64")
            .WithSummary("Store the largest face of a base64 image (data URL allowed, at most 1 MB decoded)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithJsonBodyLimit(Body(1, limits.MaxBase64Bytes)).Produces<StoredFaceResponse>(StatusCodes.Status201Created);
        faces.MapPost("/groups/{groupName}/faces/search", SearchFaces).WithName("SearchFaces")
            .WithSummary("Stored faces most similar to the largest face of 'queryImage', best first")
            .Accepts<IFormFile>(Multipart).ProducesProblem(StatusCodes.Status404NotFound)
            .WithJsonBodyLimit(Body(1, limits.MaxUploadBytes)).Produces<IEnumerable<SearchHitResponse>>();
        return app;
    }

    public static async Task<IResult> Compare(
        HttpContext context, FaceAnalyzer analyzer, IOptions<ImageLimitsOptions> limits, IOptions<FaceMatchOptions> match,
        CancellationToken cancellationToken)
    {
        var max = limits.Value.MaxUploadBytes;
        var (first, second, problem) = await ReadTwoImagesAsync(context, max, cancellationToken);
        using (first)
        using (second)
        {
            if (problem is not null) return problem;
            var results = await Task.WhenAll(
                analyzer.LargestFaceAsync(first!, "Face1", context, cancellationToken),
                analyzer.LargestFaceAsync(second!, "Face2", context, cancellationToken));
            foreach (var r in results)
            {
                if (r.Problem is not null) return r.Problem;
            }
            var (a, b) = (results[0].Face!, results[1].Face!);
            var similarity = VectorMath.Cosine(a.Embedding, b.Embedding);
            var threshold = match.Value.Threshold;
            return TypedResults.Ok(new CompareFacesResponse(similarity, similarity >= threshold, threshold,
                new ComparedFace(a.Box, a.Face.Confidence, a.FaceCount), new ComparedFace(b.Box, b.Face.Confidence, b.FaceCount)));
        }
    }

    public static async Task<IResult> Generate(
        HttpContext context, FaceAnalyzer analyzer, IOptions<ImageLimitsOptions> limits, CancellationToken cancellationToken)
    {
        var read = await ReadOneImageAsync(context, "image", jsonField: "image", limits.Value.MaxUploadBytes, cancellationToken);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        var result = await analyzer.LargestFaceAsync(image!, "image", context, cancellationToken);
        if (result.Problem is not null) return result.Problem;
        var face = result.Face!;
        return TypedResults.Ok(new GenerateVectorResponse(VectorText.Format(face.Embedding), face.Embedding.Length, face.Model,
            face.Summary, face.FaceCount));
    }

    public static async Task<IResult> StoreFace(
        string groupName, HttpContext context, ClaimsPrincipal user, FaceStore store, FaceAnalyzer analyzer,
        IOptions<ImageLimitsOptions> limits, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var metadata = QueryMetadata.Read(context.Request.Query, errors);
        if (metadata is null) return Problems.Validation(errors);
        if (await GroupProblemAsync(groupName, user, store, cancellationToken) is { } missing) return missing;

        var read = await ReadFormImageAsync(context, "image", limits.Value.MaxUploadBytes, cancellationToken);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        return await StoreLargestFaceAsync(groupName, image!, "image", metadata, VectorSources.Image, context, user, store, analyzer,
            cancellationToken);
    }

    public static async Task<IResult> StoreFaceBase64(
        string groupName, StoreFaceBase64Request request, HttpContext context, ClaimsPrincipal user, FaceStore store,
        FaceAnalyzer analyzer, IOptions<ImageLimitsOptions> limits, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var metadata = MetadataRules.ReadForStore(request.Metadata, "metadata", errors);
        if (metadata is null) return Problems.Validation(errors);
        if (await GroupProblemAsync(groupName, user, store, cancellationToken) is { } missing) return missing;

        var read = ImageUpload.FromBase64(request.Base64Image, "base64Image", limits.Value.MaxBase64Bytes);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        return await StoreLargestFaceAsync(groupName, image!, "base64Image", metadata, VectorSources.Base64, context, user, store,
            analyzer, cancellationToken);
    }

    public static async Task<IResult> SearchFaces(
        string groupName, int? topK, HttpContext context, ClaimsPrincipal user, FaceStore store, FaceAnalyzer analyzer,
        IOptions<ImageLimitsOptions> limits, CancellationToken cancellationToken)
    {
        var k = topK ?? VectorsApi.DefaultTopK;
        if (k is < 1 or > VectorsApi.MaxTopK)
            return Problems.Validation("topK", $"topK must be between 1 and {VectorsApi.MaxTopK}.");
        if (!Names.IsValidName(groupName))
            return Problems.Validation("groupName", $"Group names are {Names.NameRule}.");
        if (await store.GetGroupAsync(user.Tenant(), groupName, cancellationToken) is not { } group)
            return Problems.GroupNotFound(groupName);

        var read = await ReadFormImageAsync(context, "queryImage", limits.Value.MaxUploadBytes, cancellationToken);
        using var image = read.Upload;
        if (read.Problem is not null) return read.Problem;
        var result = await analyzer.LargestFaceAsync(image!, "queryImage", context, cancellationToken);
        if (result.Problem is not null) return result.Problem;
        if (group.Model is { } held && held != result.Face!.Model)
            throw new ModelMismatchException(groupName, held, result.Face.Model);

        var hits = await store.SearchAsync(user.Tenant(), groupName, result.Face!.Embedding, k, filter: null, cancellationToken);
        return TypedResults.Ok(hits.Select(h => new SearchHitResponse(h.Id, h.Score, h.Metadata)));
    }

    private static async Task<IResult> StoreLargestFaceAsync(string groupName, ImageUpload image, string field,
        IReadOnlyDictionary<string, string> metadata, string source, HttpContext context, ClaimsPrincipal user, FaceStore store,
        FaceAnalyzer analyzer, CancellationToken cancellationToken)
    {
        var result = await analyzer.LargestFaceAsync(image, field, context, cancellationToken);
        if (result.Problem is not null) return result.Problem;
        var face = result.Face!;
        // The store raises GroupNotFound (deleted meanwhile), ModelMismatch (a group of another model's faces) and
        // DimensionMismatch (a group of raw vectors of another length); the exception handler answers 404, 409 and 400.
        var id = await store.AddAsync(user.Tenant(), groupName, new VectorWrite(face.Embedding, metadata, source), cancellationToken,
            face.Model);
        return TypedResults.Created($"/vectors/{id}", new StoredFaceResponse(id, groupName, face.Summary, face.FaceCount));
    }

    /// <summary>Checked before any image work, so a typo in the group name costs no inference.</summary>
    private static async Task<IResult?> GroupProblemAsync(string groupName, ClaimsPrincipal user, FaceStore store,
        CancellationToken cancellationToken)
    {
        if (!Names.IsValidName(groupName))
            return Problems.Validation("groupName", $"Group names are {Names.NameRule}.");
        return await store.GetGroupAsync(user.Tenant(), groupName, cancellationToken) is null
            ? Problems.GroupNotFound(groupName)
            : null;
    }

    private static async Task<ImageReadResult> ReadOneImageAsync(HttpContext context, string formField, string jsonField,
        long maxBytes, CancellationToken cancellationToken)
    {
        if (context.Request.HasFormContentType)
            return await ReadFormImageAsync(context, formField, maxBytes, cancellationToken);
        if (!context.Request.HasJsonContentType())
            return ImageReadResult.Fail(ImageProblems.UnsupportedContentType($"{Multipart} with a '{formField}' file part, or {JsonType}"));
        var body = await ReadJsonAsync(context, cancellationToken);
        if (body.Problem is not null) return ImageReadResult.Fail(body.Problem);
        return ImageUpload.FromBase64(body.Get(jsonField), jsonField, maxBytes);
    }

    private static async Task<(ImageUpload? First, ImageUpload? Second, IResult? Problem)> ReadTwoImagesAsync(
        HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        ImageReadResult a, b;
        if (context.Request.HasFormContentType)
        {
            var form = await ReadFormAsync(context, cancellationToken);
            if (form.Problem is not null) return (null, null, form.Problem);
            a = await ImageUpload.FromFormFileAsync(form.Form!.Files.GetFile("Face1"), "Face1", maxBytes, cancellationToken);
            b = await ImageUpload.FromFormFileAsync(form.Form.Files.GetFile("Face2"), "Face2", maxBytes, cancellationToken);
        }
        else if (context.Request.HasJsonContentType())
        {
            var body = await ReadJsonAsync(context, cancellationToken);
            if (body.Problem is not null) return (null, null, body.Problem);
            a = ImageUpload.FromBase64(body.Get("Face1"), "Face1", maxBytes);
            b = ImageUpload.FromBase64(body.Get("Face2"), "Face2", maxBytes);
        }
        else
        {
            return (null, null, ImageProblems.UnsupportedContentType($"{Multipart} with 'Face1' and 'Face2' file parts, or {JsonType}"));
        }
        return (a.Upload, b.Upload, a.Problem ?? b.Problem);
    }

    private static async Task<ImageReadResult> ReadFormImageAsync(HttpContext context, string field, long maxBytes,
        CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
            return ImageReadResult.Fail(ImageProblems.UnsupportedContentType($"{Multipart} with a '{field}' file part"));
        var form = await ReadFormAsync(context, cancellationToken);
        if (form.Problem is not null) return ImageReadResult.Fail(form.Problem);
        return await ImageUpload.FromFormFileAsync(form.Form!.Files.GetFile(field), field, maxBytes, cancellationToken);
    }

    private static async Task<(IFormCollection? Form, IResult? Problem)> ReadFormAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            return (await context.Request.ReadFormAsync(cancellationToken), null);
        }
        catch (InvalidDataException ex)
        {
            return (null, Problems.Validation("body", $"The multipart body is malformed: {ex.Message}"));
        }
    }

    /// <summary>A JSON object body whose property names are matched case-insensitively (Face1, face1, FACE1).</summary>
    private static async Task<JsonBody> ReadJsonAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return new JsonBody(null, Problems.Validation("body", "The body must be a JSON object."));
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => "\u0000", // present but not a string: reported as malformed base64
                };
            }
            return new JsonBody(values, null);
        }
        catch (JsonException ex)
        {
            return new JsonBody(null, Problems.Validation("body", $"The request body is not valid JSON: {ex.Message}"));
        }
    }

    private sealed record JsonBody(Dictionary<string, string?>? Values, IResult? Problem)
    {
        public string? Get(string name) => Values is not null && Values.TryGetValue(name, out var v) ? v : null;
    }
}
