using System.Text.Json;
using FacePing.Api.Infrastructure;
using FacePing.Core.Inference;
using FacePing.Core.Storage;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Tests.Api;

/// <summary>
/// The one exception mapping every endpoint group relies on when it lets store and inference outcomes propagate.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProblemExceptionHandlerTests(ApiFixture fixture)
{
    public static TheoryData<Exception, int, bool> Cases => new()
    {
        { new GroupNotFoundException("g"), 404, false },
        { new GroupAlreadyExistsException("g"), 409, false },
        { new DimensionMismatchException("g", 512, 128), 400, false },
        { new ModelMismatchException("g", "old-model", "new-model"), 409, false },
        { new FacePing.Core.Faces.NoFaceException("image"), 422, false },
        { new ImageRejectedException(413, "Image too large", "too many pixels").ForField("Face2"), 413, false },
        {
            new RedisConnectionException(
                ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null, CommandStatus.Unknown),
            503, true
        },
        { new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent), 503, true },
        { new InferenceUnavailableException("down"), 503, true },
        { new InferenceUnavailableException("busy") { AtCapacity = true, RetryAfterSeconds = 2 }, 503, true },
        { new FacePing.Core.Jobs.TooManyJobsException(10), 429, true },
        { new RedisServerException(RedisErrorKind.ReadOnly, CommandFlags.None,
            "READONLY You can't write against a read only replica. script: x"), 503, true },
        { new RedisServerException(RedisErrorKind.Loading, CommandFlags.None,
            "LOADING Redis is loading the dataset in memory"), 503, true },
        { new RedisServerException(RedisErrorKind.MasterDown, CommandFlags.None,
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), 503, true },
        { new DurabilityException("no replica is connected", notApplied: true), 503, true },
        // Applied, only its confirmation missing: said so, never 503 (which invites a repeat).
        { new DurabilityException("no replica confirmed it", pending: "replica"), 202, false },
        { new RedisServerException(RedisErrorKind.UnknownCommand, CommandFlags.None, "ERR unknown command 'VADD'"),
            500, false },
        { new ImageRejectedException(415, "Unsupported image", "not an image"), 415, false },
        { new BadHttpRequestException("too big", 413), 413, false },
        { new BadHttpRequestException("bad", new JsonException("x", "$.a", 0, 3)), 400, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Maps_exception_to_problem(Exception exception, int status, bool retryAfter)
    {
        var services = fixture.Factory.Services;
        var handler = new ProblemExceptionHandler(services.GetRequiredService<IProblemDetailsService>(),
            services.GetRequiredService<IOptions<FacePing.Api.Jobs.JobsOptions>>(),
            NullLogger<ProblemExceptionHandler>.Instance);
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        if (status == 500)
        {
            // Not a transient Redis failure: a bug or a wrong server, left to the framework's 500.
            Assert.False(await handler.TryHandleAsync(context, exception, CancellationToken.None));
            return;
        }
        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(retryAfter, context.Response.Headers.RetryAfter.Count > 0);
        context.Response.Body.Position = 0;
        var json = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.StartsWith("application/problem+json", context.Response.ContentType);
        if (exception is DimensionMismatchException)
        {
            var detail = json.RootElement.GetProperty("detail").GetString()!;
            Assert.Contains("512", detail);
            Assert.Contains("128", detail);
            Assert.True(json.RootElement.GetProperty("errors").TryGetProperty("vectorString", out _));
        }
        if (exception is DurabilityException { Applied: true })
        {
            Assert.Equal("urn:faceping:problem:write-not-durable", json.RootElement.GetProperty("type").GetString());
            Assert.True(json.RootElement.GetProperty("applied").GetBoolean());
            Assert.Equal("replica", json.RootElement.GetProperty("durability").GetString());
        }
        else if (exception is RedisException)
        {
            // Which failure it is, for clients and operators (a failover is not an outage).
            var expected = exception switch
            {
                DurabilityException => "not-durable",
                RedisTimeoutException => "timeout",
                RedisConnectionException => "unreachable",
                _ => exception.Message.Split(' ')[0].ToLowerInvariant(), // the server's error code
            };
            Assert.Equal(expected, json.RootElement.GetProperty("redis").GetString());
        }
        if (exception is GroupNotFoundException)
        {
            // The wording handlers use for the same outcome (ProblemCatalogue.GroupNotFound), not a second one.
            Assert.Equal("Group 'g' does not exist. Create it with POST /groups/g.",
                json.RootElement.GetProperty("detail").GetString());
        }
        if (exception is FacePing.Core.Faces.NoFaceException or ImageRejectedException { Field: not null })
        {
            Assert.True(json.RootElement.TryGetProperty("image", out _), "the problem names the image field");
        }
    }

    [Fact]
    public async Task Unknown_exceptions_are_left_to_the_framework()
    {
        var services = fixture.Factory.Services;
        var handler = new ProblemExceptionHandler(services.GetRequiredService<IProblemDetailsService>(),
            services.GetRequiredService<IOptions<FacePing.Api.Jobs.JobsOptions>>(),
            NullLogger<ProblemExceptionHandler>.Instance);
        Assert.False(await handler.TryHandleAsync(
            new DefaultHttpContext { RequestServices = services }, new InvalidOperationException(),
            CancellationToken.None));
    }
}
