using FacePing.Api.Admin;
using FacePing.Api.Auth;
using FacePing.Api.Clustering;
using FacePing.Api.Faces;
using FacePing.Api.Groups;
using FacePing.Api.Infrastructure;
using FacePing.Api.Infrastructure.Idempotency;
using FacePing.Api.Jobs;
using FacePing.Api.RateLimiting;
using FacePing.Api.ServerLimits;
using FacePing.Api.Vectors;
using FacePing.Contracts.Problems;
using FacePing.Core.Clustering;
using FacePing.Core.Secrets;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// The store registers its own Redis health check, which says which failure is going on (RedisStoreHealthCheck).
builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true);
InferenceHealthCheck.AddIfConfigured(builder);

// Every problem comes from the catalogue (FacePing.Contracts/Problems); every exception is mapped in one handler.
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemCatalogue.Complete);
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
// Unreadable bodies and parameters throw, so ProblemExceptionHandler answers them as problem+json instead of a bare
// 400.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.Configure<JsonOptions>(o =>
{
    o.SerializerOptions.PropertyNameCaseInsensitive = true;
    UtcTimestampConverters.AddTo(o.SerializerOptions);
});
builder.Services.AddFacePingStore(builder.Configuration);
builder.Services.AddFacePingAuth(builder.Configuration);
builder.Services.AddFacePingJobs();
// FTP passwords, Drive keys and webhook secrets are sealed in Redis with the key ring the worker shares.
builder.AddSealedSecrets();
builder.Services.AddFacePingClustering();
builder.Services.AddFacePingOpenApi();
builder.AddFaces();
builder.Services.AddFacePingRateLimiting(builder.Configuration);
builder.Services.AddFacePingServerLimits(builder.Configuration);
builder.Services.AddFacePingClientAddresses(builder.Configuration);

var app = builder.Build();

app.UseRequestHeadLimits();
app.UseFacePingClientAddresses();
app.UseExceptionHandler();
app.UseStatusCodePages(ProblemExtensions.WriteStatusCodePageAsync);
app.UseAuthentication();
app.UseAuthorization();
app.UseFacePingRateLimiting();
app.UseBodySizeLimits();
app.UseIdempotencyKeys();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapScalarApiReference();

app.MapGroupsApi();
app.MapVectorsApi();
app.MapKeysApi();
app.MapFacesApi();
app.MapGroupFacesApi();
app.MapPhotosApi();
app.MapJobsApi();
app.MapClusteringApi();

app.Run();

namespace FacePing.Api
{
    /// <summary>Marks this assembly for test hosts (WebApplicationFactory).</summary>
    public sealed class ApiEntryPoint;
}
