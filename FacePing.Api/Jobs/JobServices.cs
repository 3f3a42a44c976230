using System.Security.Claims;
using FacePing.Api.Auth;
using FacePing.Api.Validation;
using FacePing.Core.Faces;
using FacePing.Core.Jobs;
using FacePing.Core.Jobs.Network;
using FacePing.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FacePing.Api.Jobs;

/// <summary>
/// What the job endpoints (folder imports and cluster jobs) take, bound as one parameter (<c>[AsParameters]</c>),
/// with the steps they share: a new job's definition, the checks of an import, queueing a job.
/// </summary>
public readonly record struct JobServices(
    ClaimsPrincipal User,
    FaceStore Store,
    JobStore Jobs,
    OutboundAddressGuard Guard,
    TimeProvider Time,
    IOptions<FaceMatchOptions> Faces,
    IOptions<JobsOptions> Limits,
    CancellationToken CancellationToken)
{
    /// <summary>A job of the caller's tenant on <paramref name="groupName"/>, created now.</summary>
    public JobDefinition NewJob(string groupName, string source) =>
        new(JobStore.NewJobId(), User.Tenant(), groupName, source, Time.GetUtcNow(), null, null);

    /// <summary>
    /// The checks every folder import shares (notification e-mail, callback URL with its SSRF guard, quality bar,
    /// faces choice); returns the import's faces choice and quality bar.
    /// </summary>
    public async Task<(FaceChoice Faces, double MinQuality)> CheckImportAsync(string? email, string? callbackUrl,
        double? minQuality, string? faces, Dictionary<string, string[]> errors)
    {
        await JobRequestValidation.CheckNotificationsAsync(email, callbackUrl, Guard, errors, CancellationToken);
        RequestRules.Share("minQuality", minQuality, errors);
        var choice = RequestRules.Faces("faces", faces, errors);
        return (choice, Faces.Value.EnrolmentBar(choice, minQuality));
    }

    /// <summary>The caller's job, or null (another tenant's job lives under another key prefix: not found).</summary>
    public async Task<JobView?> FindJobAsync(string jobId) =>
        JobStore.IsJobId(jobId) ? await Jobs.GetAsync(User.Tenant(), jobId) : null;

    /// <summary>Queues the job for the worker once its group is known to exist; 202 with its status URL.</summary>
    public async Task<Results<Accepted<JobAccepted>, ValidationProblem>> EnqueueAsync(JobDefinition definition,
        JobSecret secret)
    {
        if (await Store.GetGroupHeadAsync(definition.Tenant, definition.GroupName, CancellationToken) is null)
            throw new GroupNotFoundException(definition.GroupName);
        // A tenant past its cap on unfinished jobs: TooManyJobsException, a 429 with Retry-After.
        var job = await Jobs.CreateAsync(definition, secret, Limits.Value.MaxUnfinishedPerTenant);
        var statusUrl = $"/jobs/{job.JobId}";
        return TypedResults.Accepted(statusUrl, new JobAccepted(job.JobId, job.Status, statusUrl));
    }
}
