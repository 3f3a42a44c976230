using System.Security.Claims;
using FacePing.Api.Auth;
using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Api.Validation;
using FacePing.Contracts.Problems;
using FacePing.Core.Auth;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Core.Vectors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FacePing.Api.Vectors;

/// <summary>Raw vectors: compare, store, fetch, search by similarity or metadata, bulk upsert.</summary>
public static class VectorsApi
{
    public const int MaxUpsertItems = 100;
    public const int DefaultMetadataLimit = 100;
    public const int MaxMetadataLimit = 1000;

    public static IEndpointRouteBuilder MapVectorsApi(this IEndpointRouteBuilder app)
    {
        var vectors = app.MapGroup("/vectors").WithTags("Vectors").RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        vectors.MapGet("/{vectorId}", GetVector).WithName("GetVector").WithSummary("A stored vector with its metadata")
            .WithDescription("Metadata values come back as their canonical strings, " +
                "with the system keys source and createdAt.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        vectors.MapPost("/compare", Compare).WithName("CompareVectors")
            .WithSummary("Cosine similarity and Euclidean distance of two vector strings")
            .WithJsonBodyLimit().ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        vectors.MapPost("/search", SearchByMetadata).WithName("SearchVectorsByMetadata")
            .WithSummary("Vectors whose metadata has every given pair (AND), across groups or in ?groupName=")
            .WithJsonBodyLimit().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var groups = app.MapGroup("/groups/{groupName}").ValidatesGroupName()
            .WithTags("Vectors").RequireAuthorization(FacePingPolicies.Tenant)
            .WithJsonBodyLimit()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        groups.MapPost("/vector", StoreVector).WithIdempotency()
            .WithName("StoreVector").WithSummary("Store one vector (with metadata) in a group");
        groups.MapPost("/vectors/search", Search).WithName("SearchVectors")
            .WithSummary("Nearest stored vectors by exact cosine similarity, best first (optional metadata filter)")
            .WithDescription("The HNSW index (Redis vector set) proposes candidates; scores are exact cosine " +
                "similarities of the stored float32 vectors. A metadata filter must match every pair; when it " +
                "matches few vectors they are all scored exactly.");
        groups.MapPost("/vectors/upsert", Upsert).WithName("UpsertVectors").WithIdempotency()
            .WithSummary("Store or replace 1–100 vectors atomically; any invalid item rejects the whole request")
            .WithDescription("Ids are optional (1–128 characters of A–Z a–z 0–9 _ - . :); " +
                "the server generates UUIDs otherwise. An id that exists in the tenant is replaced, " +
                "and moves here if it was in another group. The first vector stored in a group fixes its dimension " +
                "for the group's life.");
        return app;
    }

    public static async Task<Results<Ok<VectorResponse>, ProblemHttpResult>> GetVector(
        string vectorId, ClaimsPrincipal user, FaceStore store, CancellationToken cancellationToken)
    {
        var vector = await store.GetVectorAsync(user.Tenant(), vectorId, cancellationToken);
        if (vector is null) return ProblemCatalogue.VectorNotFound(vectorId).ToResult();
        return TypedResults.Ok(new VectorResponse(vector.Id, vector.GroupName, VectorText.Format(vector.Vector),
            vector.Vector.Length, vector.Metadata));
    }

    public static Results<Ok<CompareVectorsResponse>, ValidationProblem> Compare(CompareVectorsRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var a = ParseVector(request.Embedding1, "embedding1", errors);
        var b = ParseVector(request.Embedding2, "embedding2", errors);
        if (a is null || b is null) return ProblemCatalogue.Validation(errors).ToResult();
        if (a.Length != b.Length)
            return ProblemCatalogue.Validation("embedding2",
                $"embedding1 has {a.Length} dimensions but embedding2 has {b.Length}; they must match.").ToResult();
        return TypedResults.Ok(new CompareVectorsResponse(VectorMath.Cosine(a, b),
            VectorMath.Euclidean(a, b), a.Length));
    }

    public static async Task<Results<Ok<IEnumerable<MetadataMatchResponse>>, ValidationProblem>>
        SearchByMetadata([FromBody] MetadataSearchRequest? request, string? groupName, int? limit, ClaimsPrincipal user,
        FaceStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        RequestRules.GroupName("groupName", groupName, errors);
        var take = RequestRules.Count("limit", limit, DefaultMetadataLimit, MaxMetadataLimit, errors);
        var filter = MetadataRules.ReadFilter(request?.Metadata, "metadata", errors);
        if (filter is null || errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        var matches = await store.FindByMetadataAsync(user.Tenant(), groupName, filter, take, cancellationToken);
        return TypedResults.Ok(matches.Select(m => new MetadataMatchResponse(m.Id, m.GroupName, m.Metadata)));
    }

    public static async Task<Results<Created<StoredVectorResponse>, ValidationProblem>> StoreVector(
        string groupName, StoreVectorRequest request, ClaimsPrincipal user, FaceStore store,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var vector = ParseVector(request.VectorString, "vectorString", errors);
        var metadata = MetadataRules.ReadForStore(request.Metadata, "metadata", errors);
        if (vector is null || metadata is null) return ProblemCatalogue.Validation(errors).ToResult();
        var id = await store.AddAsync(user.Tenant(), groupName, new VectorWrite(vector, metadata, VectorSources.Vector),
            cancellationToken: cancellationToken);
        return TypedResults.Created($"/vectors/{id}", new StoredVectorResponse(id, groupName));
    }

    public static async Task<Results<Ok<IEnumerable<SearchHitResponse>>, ValidationProblem>> Search(
        string groupName, SearchVectorsRequest request, ClaimsPrincipal user, FaceStore store,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var vector = ParseVector(request.VectorString, "vectorString", errors);
        var topK = RequestRules.Count("topK", request.TopK, RequestRules.DefaultTopK, RequestRules.MaxTopK, errors);
        var filter = MetadataRules.ReadFilter(request.Metadata, "metadata", errors);
        RequestRules.MetadataKey("groupBy", request.GroupBy, errors);
        if (vector is null || filter is null || errors.Count > 0)
            return ProblemCatalogue.Validation(errors).ToResult();
        var hits = request.GroupBy is { } groupBy
            ? await store.SearchIdentitiesAsync(user.Tenant(), groupName, vector, topK, groupBy, filter,
                cancellationToken)
            : await store.SearchAsync(user.Tenant(), groupName, vector, topK, filter, cancellationToken);
        return TypedResults.Ok(hits.Select(SearchHitResponse.From));
    }

    public static async Task<Results<Ok<UpsertVectorsResponse>, ValidationProblem>> Upsert(
        string groupName, UpsertVectorsRequest request, ClaimsPrincipal user, FaceStore store,
        CancellationToken cancellationToken)
    {
        var items = request.Vectors;
        if (items is null || items.Count is 0 or > MaxUpsertItems)
        {
            return ProblemCatalogue.Validation("vectors", $"Send 1–{MaxUpsertItems} items in 'vectors'.")
                .ToResult();
        }

        var tenant = user.Tenant();
        var group = await store.GetGroupHeadAsync(tenant, groupName, cancellationToken)
            ?? throw new GroupNotFoundException(groupName);

        var errors = new Dictionary<string, string[]>();
        var writes = new VectorWrite[items.Count];
        var bad = new SortedSet<int>();
        var firstIndexOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        int? dims = group.Dimensions;
        var dimsFrom = dims is null ? null : "the group";
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"vectors[{i}]";
            var item = items[i];
            if (item is null)
            {
                errors[path] = ["The item is null."];
                bad.Add(i);
                continue;
            }
            var before = errors.Count;
            var vector = ParseVector(item.VectorString, path + ".vectorString", errors);
            var metadata = MetadataRules.ReadForStore(item.Metadata, path + ".metadata", errors);
            if (item.Id is not null && !Names.IsValidId(item.Id)) errors[path + ".id"] = [$"Ids are {Names.IdRule}."];
            else if (item.Id is not null && !firstIndexOfId.TryAdd(item.Id, i))
                errors[path + ".id"] = [$"The id '{item.Id}' is also given by item {firstIndexOfId[item.Id]}; " +
                    "which one should win is ambiguous."];
            if (vector is not null)
            {
                if (dims is null)
                {
                    dims = vector.Length;
                    dimsFrom = $"item {i}";
                }
                else if (vector.Length != dims)
                {
                    errors[path + ".vectorString"] =
                        [$"The vector has {vector.Length} dimensions but {dimsFrom} has {dims}."];
                }
            }
            if (errors.Count > before || vector is null || metadata is null)
            {
                bad.Add(i);
                continue;
            }
            writes[i] = new VectorWrite(vector, metadata, VectorSources.Vector, item.Id);
        }
        if (bad.Count > 0)
            return ProblemCatalogue.Validation(errors,
                $"Invalid items (index): {string.Join(", ", bad)}. Nothing was written.").ToResult();

        // A group deleted, or given its dimension by a concurrent write, since it was read throws; nothing is written.
        var ids = await store.UpsertAsync(tenant, groupName, writes, cancellationToken: cancellationToken);
        return TypedResults.Ok(new UpsertVectorsResponse(ids));
    }

    internal static float[]? ParseVector(string? text, string field, IDictionary<string, string[]> errors)
    {
        if (text is null)
        {
            errors[field] = ["Required."];
            return null;
        }
        if (VectorText.TryParse(text, out var vector, out var error)) return vector;
        errors[field] = [error];
        return null;
    }
}
