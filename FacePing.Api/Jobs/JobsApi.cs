using System.Text.Json;
using FacePing.Api.Auth;
using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Api.Validation;
using FacePing.Contracts.Problems;
using FacePing.Core.Auth;
using FacePing.Core.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

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

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var folders = app.MapGroup("/groups/{groupName}").ValidatesGroupName().WithTags("Jobs")
            .RequireAuthorization(FacePingPolicies.Tenant).WithJsonBodyLimit()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        folders.MapPost("/process-drive-folder", ProcessDriveFolder).WithName("ProcessDriveFolder").WithIdempotency()
            .WithSummary("Import the largest face (or with faces=all every face) of every image in a Google Drive " +
                "folder (asynchronous)");
        folders.MapPost("/process-ftp-folder", ProcessFtpFolder).WithName("ProcessFtpFolder").WithIdempotency()
            .WithSummary("Import the largest face (or with faces=all every face) of every image in an FTP/FTPS " +
                "folder (asynchronous)");

        var jobs = app.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization(FacePingPolicies.Tenant)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        jobs.MapGet("/{jobId}", GetJob)
            .WithName("GetJob").WithSummary("A folder job's status, counts and failed files")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/", ListJobs).WithName("ListJobs").WithSummary("The tenant's folder jobs, newest first")
            .ProducesValidationProblem();
        return app;
    }

    public static async Task<Results<Accepted<JobAccepted>, ValidationProblem>> ProcessDriveFolder(
        string groupName, DriveFolderRequest request, [AsParameters] JobServices services)
    {
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
        var (faces, minQuality) = await services.CheckImportAsync(request.NotificationEmailAddress,
            request.CallbackUrl, request.MinQuality, request.Faces, errors);
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();

        var definition = services.NewJob(groupName, JobSource.Drive) with
        {
            CallbackUrl = request.CallbackUrl,
            NotificationEmail = request.NotificationEmailAddress,
            DriveFolderId = request.FolderId,
            MinQuality = minQuality,
            Faces = faces,
        };
        return await services.EnqueueAsync(definition, new JobSecret(ServiceAccountKey: key));
    }

    public static async Task<Results<Accepted<JobAccepted>, ValidationProblem>> ProcessFtpFolder(
        string groupName, FtpFolderRequest request, [AsParameters] JobServices services)
    {
        var endpoint = FtpEndpoint.TryCreate(request.Host, request.Port, request.Username, request.Password,
            out var fieldErrors);
        var errors = fieldErrors.ToDictionary(e => e.Key, e => new[] { e.Value });
        var folderPath = request.FolderPath ?? "";
        if (!FtpNames.IsValidFolderPath(folderPath))
            errors["folderPath"] = ["folderPath must be at most 1024 characters without control characters."];
        var (faces, minQuality) = await services.CheckImportAsync(request.NotificationEmailAddress,
            request.CallbackUrl, request.MinQuality, request.Faces, errors);
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();

        var definition = services.NewJob(groupName, JobSource.Ftp) with
        {
            CallbackUrl = request.CallbackUrl,
            NotificationEmail = request.NotificationEmailAddress,
            FtpHost = endpoint!.Host,
            FtpPort = endpoint.Port,
            FtpUsername = endpoint.Username,
            FtpFolderPath = folderPath,
            MinQuality = minQuality,
            Faces = faces,
        };
        return await services.EnqueueAsync(definition, new JobSecret(FtpPassword: endpoint.Password));
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetJob(string jobId,
        [AsParameters] JobServices services)
    {
        // Another tenant's job lives under another key prefix, so it is simply not found.
        var job = await services.FindJobAsync(jobId);
        return job is null ? ProblemCatalogue.JobNotFound(jobId).ToResult() : TypedResults.Ok(job);
    }

    public static async Task<Results<Ok<IReadOnlyList<JobView>>, ValidationProblem>> ListJobs(int? limit,
        [AsParameters] JobServices services)
    {
        var errors = new Dictionary<string, string[]>();
        var take = RequestRules.Count("limit", limit, DefaultListLimit, MaxListLimit, errors);
        if (errors.Count > 0) return ProblemCatalogue.Validation(errors).ToResult();
        return TypedResults.Ok(await services.Jobs.ListAsync(services.User.Tenant(), take));
    }
}
