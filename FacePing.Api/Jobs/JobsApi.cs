using FacePing.Core.Auth;

namespace FacePing.Api.Jobs;

/// <summary>Placeholder until folder ingestion lands: the routes exist and answer 501 to authenticated callers.</summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/").WithTags("Jobs").RequireAuthorization(FacePingPolicies.Tenant);
        api.MapPost("/groups/{groupName}/process-drive-folder", NotImplemented).WithName("ProcessDriveFolder");
        api.MapPost("/groups/{groupName}/process-ftp-folder", NotImplemented).WithName("ProcessFtpFolder");
        api.MapGet("/jobs/{jobId}", NotImplemented).WithName("GetJob");
        api.MapGet("/jobs", NotImplemented).WithName("ListJobs");
        return app;
    }

    private static IResult NotImplemented() =>
        TypedResults.Problem("Folder ingestion is not available in this build.", statusCode: StatusCodes.Status501NotImplemented,
            title: "Not implemented");
}
