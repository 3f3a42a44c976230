using System.Security.Claims;
using FacePing.Api.Auth;
using FacePing.Api.Infrastructure;
using FacePing.Api.Validation;
using FacePing.Contracts.Problems;
using FacePing.Core.Auth;
using FacePing.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FacePing.Api.Groups;

/// <summary>Groups (Rekognition-style collections) and listing/deleting the vectors in one.</summary>
public static class GroupsApi
{
    public const int DefaultPageSize = 1000;
    public const int MaxPageSize = 10000;
    public const int MaxDeleteIds = 1000;

    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/groups").ValidatesGroupName().WithTags("Groups")
            .RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/{groupName}", CreateGroup).WithName("CreateGroup").WithSummary("Create an empty group")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/{groupName}", DeleteGroup).WithName("DeleteGroup")
            .WithSummary("Delete a group with all its vectors, metadata and index entries")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/", ListGroups).WithName("ListGroups").WithSummary("List the tenant's groups, ordered by name");
        api.MapGet("/{groupName}/vectors", ListVectorIds).WithName("ListVectorIds")
            .WithSummary("Page through a group's vector ids in id order (page on with after = last id)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{groupName}/vectors", DeleteVectors).WithName("DeleteVectors")
            .WithSummary("Delete vectors of a group by id (1–1000 ids)")
            .WithJsonBodyLimit()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    public static async Task<Created<GroupResponse>> CreateGroup(
        string groupName, ClaimsPrincipal user, FaceStore store, CancellationToken cancellationToken)
    {
        // An existing group throws GroupAlreadyExists: ProblemExceptionHandler answers 409.
        var group = await store.CreateGroupAsync(user.Tenant(), groupName, cancellationToken);
        return TypedResults.Created($"/groups/{groupName}", GroupResponse.From(group));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteGroup(
        string groupName, ClaimsPrincipal user, FaceStore store, CancellationToken cancellationToken)
    {
        return await store.DeleteGroupAsync(user.Tenant(), groupName, cancellationToken)
            ? TypedResults.NoContent()
            : ProblemCatalogue.GroupNotFound(groupName).ToResult();
    }

    public static async Task<Ok<IEnumerable<GroupResponse>>> ListGroups(ClaimsPrincipal user, FaceStore store,
        CancellationToken cancellationToken)
    {
        var groups = await store.ListGroupsAsync(user.Tenant(), cancellationToken);
        return TypedResults.Ok(groups.Select(GroupResponse.From));
    }

    public static async Task<Results<Ok<IReadOnlyList<string>>, ValidationProblem>> ListVectorIds(
        string groupName, int? limit, string? after, ClaimsPrincipal user, FaceStore store,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var take = RequestRules.Count("limit", limit, DefaultPageSize, MaxPageSize, errors);
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        if (after is { Length: 0 }) after = null;
        return TypedResults.Ok(await store.ListIdsAsync(user.Tenant(), groupName, take, after, cancellationToken));
    }

    public static async Task<Results<Ok<DeleteVectorsResponse>, ValidationProblem>> DeleteVectors(
        string groupName, [FromBody] string[]? ids, ClaimsPrincipal user, FaceStore store,
        CancellationToken cancellationToken)
    {
        if (ids is null || ids.Length is 0 or > MaxDeleteIds)
        {
            return ProblemCatalogue.Validation("ids", $"Send a JSON array of 1–{MaxDeleteIds} vector ids.")
                .ToResult();
        }
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (string.IsNullOrEmpty(ids[i])) errors[$"ids[{i}]"] = ["The id is empty."];
        }
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        // Ids that cannot exist (bad characters) are simply not found: nothing to validate against.
        var distinct = ids.Distinct(StringComparer.Ordinal).ToArray();
        var result = await store.DeleteVectorsAsync(user.Tenant(), groupName, distinct, cancellationToken);
        return TypedResults.Ok(new DeleteVectorsResponse(result.Deleted, result.NotFound));
    }
}
