using System.Security.Claims;
using FacePing.Api.Auth;
using FacePing.Api.Faces;
using FacePing.Api.Groups;
using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Api.Jobs;
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

    /// <summary>Options and results store; called from <see cref="JobsApi.AddFacePingJobs"/>.</summary>
    public static IServiceCollection AddFacePingClustering(this IServiceCollection services)
    {
        services.AddOptions<ClusteringOptions>().BindConfiguration(ClusteringOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ClusterResults>();
        return services;
    }

    /// <summary>The endpoints; called from <see cref="JobsApi.MapJobsApi"/>.</summary>
    public static IEndpointRouteBuilder MapClusteringApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/").WithTags("Clustering").RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/groups/{groupName}/cluster", ClusterGroup).WithName("ClusterGroup").WithIdempotency()
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

    public static async Task<Results<Accepted<JobAccepted>, ValidationProblem, ProblemHttpResult>> ClusterGroup(
        string groupName, [FromBody] ClusterJobRequest? request, ClaimsPrincipal user, FaceStore store, JobStore jobs,
        TimeProvider time, IOptions<FaceMatchOptions> faces, IOptions<ClusteringOptions> clustering,
        CancellationToken cancellationToken)
    {
        if (GroupsApi.InvalidName(groupName) is { } invalid) return invalid;
        request ??= new ClusterJobRequest();
        var errors = new Dictionary<string, string[]>();
        var threshold = request.Threshold ?? faces.Value.Threshold;
        if (!(threshold is >= -1 and <= 1))
            errors["threshold"] = ["threshold is a cosine similarity between -1 and 1."];
        var minClusterSize = request.MinClusterSize ?? DefaultMinClusterSize;
        if (minClusterSize < 2) errors["minClusterSize"] = ["minClusterSize must be at least 2."];
        if (request.WriteMetadataKey is { } key)
        {
            if (!Names.IsValidName(key))
                errors["writeMetadataKey"] = [$"writeMetadataKey is a metadata key: {Names.NameRule}."];
            else if (SystemMetadata.IsSystemKey(key))
                errors["writeMetadataKey"] = [$"'{key}' is system metadata set by the server; choose another key."];
        }
        if (errors.Count > 0) return Problems.Validation(errors);

        var tenant = user.Tenant();
        var group = await store.GetGroupAsync(tenant, groupName, cancellationToken);
        if (group is null) return Problems.GroupNotFound(groupName);
        var max = clustering.Value.MaxVectors;
        if (group.VectorCount > max)
        {
            return Problems.Validation("groupName",
                $"Group '{groupName}' holds {group.VectorCount:N0} vectors; a cluster job takes at most {max:N0}.");
        }

        var definition = new JobDefinition(JobStore.NewJobId(), tenant, groupName, JobSource.Cluster, time.GetUtcNow(),
            null, null, Cluster: new ClusterRequest(threshold, minClusterSize, request.WriteMetadataKey));
        var job = await jobs.CreateAsync(definition, new JobSecret());
        var statusUrl = $"/jobs/{job.JobId}";
        return TypedResults.Accepted(statusUrl, new JobAccepted(job.JobId, job.Status, statusUrl));
    }

    public static async Task<Results<Ok<IEnumerable<ClusterResponse>>, ValidationProblem, ProblemHttpResult>>
        ListClusters(string jobId, int? limit, int? after, ClaimsPrincipal user, JobStore jobs, ClusterResults results)
    {
        var tenant = user.Tenant();
        // Another tenant's job lives under another key prefix, so it is simply not found; so is a folder import.
        var job = JobStore.IsJobId(jobId) ? await jobs.GetAsync(tenant, jobId) : null;
        if (job is null || job.Source != JobSource.Cluster)
            return Problems.NotFound($"Cluster job '{jobId}' does not exist.");
        var errors = new Dictionary<string, string[]>();
        var take = limit ?? DefaultPageSize;
        if (take is < 1 or > MaxPageSize) errors["limit"] = [$"limit must be between 1 and {MaxPageSize}."];
        var from = after ?? 0;
        if (from < 0) errors["after"] = ["after is a clusterId (1 and up), or 0 for the first page."];
        if (errors.Count > 0) return Problems.Validation(errors);
        if (job.Status != JobStatus.Completed) return Problems.ClustersNotReady(jobId, job.Status, job.Error);
        var page = await results.PageAsync(tenant, jobId, from, take);
        return TypedResults.Ok(page.Select(c => new ClusterResponse(c.ClusterId, c.Size, c.Ids)));
    }
}
