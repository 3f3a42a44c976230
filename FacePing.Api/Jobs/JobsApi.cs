using System.Security.Claims;
using System.Text.Json;
using FacePing.Api.Auth;
using FacePing.Api.Clustering;
using FacePing.Api.Faces;
using FacePing.Api.Groups;
using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Core.Auth;
using FacePing.Core.Jobs;
using FacePing.Core.Jobs.Network;
using FacePing.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Jobs;

/// <summary>
/// Folder ingestion: validate everything that can be checked up front, store the job (credentials in their own
/// short-lived key), queue it on the Redis stream for the Ingestion worker, answer 202; then job status,
/// tenant-private.
/// </summary>
public static class JobsApi
{
    public const int DefaultListLimit = 100;
    public const int MaxListLimit = 1000;

    /// <summary>Job storage, the callback guard and the callback signing secrets, for Program.cs.</summary>
    public static IServiceCollection AddFacePingJobs(this IServiceCollection services)
    {
        services.AddOptions<CallbackOptions>()
            .BindConfiguration(CallbackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<JobStore>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton(sp =>
            new OutboundAddressGuard(sp.GetRequiredService<IOptions<CallbackOptions>>().Value.AllowedHosts));
        services.AddFacePingClustering();
        return services;
    }

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/").WithTags("Jobs").RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/groups/{groupName}/process-drive-folder", ProcessDriveFolder).WithName("ProcessDriveFolder")
            .WithIdempotency()
            .WithSummary("Import the largest face of every image in a Google Drive folder (asynchronous)")
            .WithJsonBodyLimit()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/groups/{groupName}/process-ftp-folder", ProcessFtpFolder).WithName("ProcessFtpFolder")
            .WithIdempotency()
            .WithSummary("Import the largest face of every image in an FTP/FTPS folder (asynchronous)")
            .WithJsonBodyLimit()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/jobs/{jobId}", GetJob)
            .WithName("GetJob").WithSummary("A folder job's status, counts and failed files")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/jobs", ListJobs).WithName("ListJobs").WithSummary("The tenant's folder jobs, newest first")
            .ProducesValidationProblem();
        // Cluster jobs share the job store, stream and worker (FacePing.Api/Clustering).
        app.MapClusteringApi();
        return app;
    }

    public static async Task<Results<Accepted<JobAccepted>, ValidationProblem, ProblemHttpResult>> ProcessDriveFolder(
        string groupName, DriveFolderRequest request, ClaimsPrincipal user, FaceStore store, JobStore jobs,
        OutboundAddressGuard guard, TimeProvider time, IOptions<FaceMatchOptions> faces,
        CancellationToken cancellationToken)
    {
        if (GroupsApi.InvalidName(groupName) is { } invalid) return invalid;
        var errors = new Dictionary<string, string[]>();
        if (!DriveFolderId.IsValid(request.FolderId))
            errors["folderId"] = ["folderId must be a Google Drive folder id (letters, digits, '-' and '_')."];
        var key = request.ServiceAccountKey switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Object } o => o.GetRawText(),
            _ => null,
        };
        if (ServiceAccountKeyShape.Check(key) is { } keyError) errors["serviceAccountKey"] = [keyError];
        await JobRequestValidation.CheckNotificationsAsync(
            request.NotificationEmailAddress, request.CallbackUrl, guard, errors, cancellationToken);
        var minQuality = faces.Value.EnrolBar(request.MinQuality, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var definition = new JobDefinition(JobStore.NewJobId(), user.Tenant(), groupName, JobSource.Drive,
            time.GetUtcNow(), request.CallbackUrl, request.NotificationEmailAddress, DriveFolderId: request.FolderId,
            MinQuality: minQuality);
        return await EnqueueAsync(definition, new JobSecret(ServiceAccountKey: key), store, jobs, cancellationToken);
    }

    public static async Task<Results<Accepted<JobAccepted>, ValidationProblem, ProblemHttpResult>> ProcessFtpFolder(
        string groupName, FtpFolderRequest request, ClaimsPrincipal user, FaceStore store, JobStore jobs,
        OutboundAddressGuard guard, TimeProvider time, IOptions<FaceMatchOptions> faces,
        CancellationToken cancellationToken)
    {
        if (GroupsApi.InvalidName(groupName) is { } invalid) return invalid;
        var endpoint = FtpEndpoint.TryCreate(request.Host, request.Port, request.Username, request.Password,
            out var fieldErrors);
        var errors = fieldErrors.ToDictionary(e => e.Key, e => new[] { e.Value });
        var folderPath = request.FolderPath ?? "";
        if (!FtpNames.IsValidFolderPath(folderPath))
            errors["folderPath"] = ["folderPath must be at most 1024 characters without control characters."];
        await JobRequestValidation.CheckNotificationsAsync(
            request.NotificationEmailAddress, request.CallbackUrl, guard, errors, cancellationToken);
        var minQuality = faces.Value.EnrolBar(request.MinQuality, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var definition = new JobDefinition(JobStore.NewJobId(), user.Tenant(), groupName, JobSource.Ftp,
            time.GetUtcNow(), request.CallbackUrl, request.NotificationEmailAddress,
            FtpHost: endpoint!.Host, FtpPort: endpoint.Port, FtpUsername: endpoint.Username, FtpFolderPath: folderPath,
            MinQuality: minQuality);
        return await EnqueueAsync(definition, new JobSecret(FtpPassword: endpoint.Password), store, jobs,
            cancellationToken);
    }

    private static async Task<Results<Accepted<JobAccepted>, ValidationProblem, ProblemHttpResult>> EnqueueAsync(
        JobDefinition definition, JobSecret secret, FaceStore store, JobStore jobs, CancellationToken cancellationToken)
    {
        if (await store.GetGroupAsync(definition.Tenant, definition.GroupName, cancellationToken) is null)
            return Problems.GroupNotFound(definition.GroupName);
        var job = await jobs.CreateAsync(definition, secret);
        var statusUrl = $"/jobs/{job.JobId}";
        return TypedResults.Accepted(statusUrl, new JobAccepted(job.JobId, job.Status, statusUrl));
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetJob(string jobId, ClaimsPrincipal user,
        JobStore jobs)
    {
        // Another tenant's job lives under another key prefix, so it is simply not found.
        var job = JobStore.IsJobId(jobId) ? await jobs.GetAsync(user.Tenant(), jobId) : null;
        return job is null ? Problems.NotFound($"Job '{jobId}' does not exist.") : TypedResults.Ok(job);
    }

    public static async Task<Results<Ok<IReadOnlyList<JobView>>, ValidationProblem>> ListJobs(
        int? limit, ClaimsPrincipal user, JobStore jobs)
    {
        var take = limit ?? DefaultListLimit;
        if (take is < 1 or > MaxListLimit)
            return Problems.Validation("limit", $"limit must be between 1 and {MaxListLimit}.");
        return TypedResults.Ok(await jobs.ListAsync(user.Tenant(), take));
    }

}
