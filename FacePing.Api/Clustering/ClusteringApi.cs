using FacePing.Api.Auth;
using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Api.Jobs;
using FacePing.Api.Validation;
using FacePing.Contracts.Problems;
using FacePing.Core.Auth;
using FacePing.Core.Clustering;
using FacePing.Core.Jobs;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Clustering;

/// <summary>
/// Clusters of a group's vectors (people among unlabelled faces): an asynchronous job on the same stream and worker as
/// folder imports (docs/clustering.md), and its clusters once it has completed.
/// </summary>
public static class ClusteringApi
{
    public const int DefaultMinClusterSize = 2;
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapClusteringApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/").WithTags("Clustering").RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/groups/{groupName}/cluster", ClusterGroup).ValidatesGroupName().WithName("ClusterGroup")
            .WithIdempotency()
            .WithSummary("Group a group's vectors into people (a job; its clusters at GET /jobs/{jobId}/clusters)")
            .WithDescription(ClusterDescription)
            .WithJsonBodyLimit()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithRequestExample(ClusteringExamples.Request)
            .WithResponseExample(StatusCodes.Status202Accepted, ClusteringExamples.Accepted);
        api.MapGet("/jobs/{jobId}/clusters", ListClusters).WithName("ListClusters")
            .WithSummary("A completed cluster job's clusters, largest first (page on with after = the last clusterId)")
            .WithDescription("Cluster ids are ranks: 1 is the largest (ties: the one whose first id sorts first), so " +
                "paging by clusterId is paging by size. Clusters smaller than the job's minClusterSize are not " +
                "listed. A job not yet completed (or failed) answers 409.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithResponseExample(StatusCodes.Status200OK, ClusteringExamples.Clusters);
        return app;
    }

    private const string ClusterDescription =
        "Every vector's nearest neighbours in the group (10 by default) are found exactly (all pairs). From single " +
        "vectors, the two clusters joined by a neighbour link whose photos match best on average (mean cosine " +
        "similarity over all their pairs) are merged, as long as that mean is at least threshold (default: the " +
        "match threshold behind isMatch): one look-alike pair cannot chain two people together (docs/clustering.md). " +
        "With writeMetadataKey, each clustered vector's metadata gets that key set to its cluster id, and the " +
        "group's other vectors lose it. GET /jobs/{jobId} counts vectors in totalFiles and processed, and shows " +
        "clusterCount when done.";

    public static async Task<Results<Accepted<JobAccepted>, ValidationProblem>> ClusterGroup(
        string groupName, [FromBody] ClusterJobRequest? request, IOptions<ClusteringOptions> clustering,
        [AsParameters] JobServices services)
    {
        request ??= new ClusterJobRequest();
        var errors = new Dictionary<string, string[]>();
        var threshold = request.Threshold ?? services.Faces.Value.Threshold;
        if (!(threshold is >= -1 and <= 1))
            errors["threshold"] = ["threshold is a cosine similarity between -1 and 1."];
        var minClusterSize = request.MinClusterSize ?? DefaultMinClusterSize;
        if (minClusterSize < 2) errors["minClusterSize"] = ["minClusterSize must be at least 2."];
        RequestRules.MetadataKey("writeMetadataKey", request.WriteMetadataKey, errors);
        if (request.WriteMetadataKey is { } key && SystemMetadata.IsSystemKey(key))
            errors["writeMetadataKey"] = [$"'{key}' is system metadata set by the server; choose another key."];
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();

        var definition = services.NewJob(groupName, JobSource.Cluster) with
        {
            Cluster = new ClusterRequest(threshold, minClusterSize, request.WriteMetadataKey),
        };
        var group = await services.Store.GetGroupAsync(definition.Tenant, groupName, services.CancellationToken)
            ?? throw new GroupNotFoundException(groupName);
        var max = clustering.Value.MaxVectors;
        if (group.VectorCount > max)
        {
            return ProblemCatalogue.Validation("groupName",
                $"Group '{groupName}' holds {group.VectorCount:N0} vectors; a cluster job takes at most {max:N0}.")
                .ToResult();
        }
        return await services.EnqueueAsync(definition, new JobSecret());
    }

    public static async Task<Results<Ok<IEnumerable<ClusterResponse>>, ValidationProblem, ProblemHttpResult>>
        ListClusters(string jobId, int? limit, int? after, ClusterResults results, [AsParameters] JobServices services)
    {
        // A folder import is not a cluster job: not found either.
        var job = await services.FindJobAsync(jobId);
        if (job is null || job.Source != JobSource.Cluster)
            return ProblemCatalogue.ClusterJobNotFound(jobId).ToResult();
        var errors = new Dictionary<string, string[]>();
        var take = RequestRules.Count("limit", limit, DefaultPageSize, MaxPageSize, errors);
        var from = after ?? 0;
        if (from < 0) errors["after"] = ["after is a clusterId (1 and up), or 0 for the first page."];
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        if (job.Status != JobStatus.Completed)
        {
            return ProblemCatalogue.ClustersNotReady(jobId, job.Status, job.Error, job.Status == JobStatus.Failed)
                .ToResult();
        }
        var page = await results.PageAsync(services.User.Tenant(), jobId, from, take);
        return TypedResults.Ok(page.Select(c => new ClusterResponse(c.ClusterId, c.Size, c.Ids)));
    }
}
