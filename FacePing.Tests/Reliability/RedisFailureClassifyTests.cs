using FacePing.Core.Storage;
using StackExchange.Redis;

namespace FacePing.Tests.Reliability;

/// <summary>
/// How a Redis restart still loading its data set is told apart, whichever way the client meets it: a LOADING reply to
/// a command, or a reconnect whose handshake fails because the server is loading.
/// </summary>
public sealed class RedisFailureClassifyTests
{
    [Fact]
    public void A_handshake_refused_while_loading_is_loading_not_unreachable()
    {
        var failure = RedisFailures.Classify(new RedisConnectionException(ConnectionFailureType.Loading,
            CommandFlags.None, "Loading on 127.0.0.1:6379/Interactive", null, CommandStatus.WaitingToBeSent));

        Assert.NotNull(failure);
        Assert.Equal(RedisFailureKind.Loading, failure.Kind);
        Assert.Equal("loading", failure.Code);
        Assert.True(failure.NotApplied);
        var reply = RedisFailures.Classify(new RedisServerException(RedisErrorKind.Loading, CommandFlags.None,
            "LOADING Redis is loading the dataset in memory"));
        Assert.Equal(reply! with { NotApplied = true }, failure);
    }

    [Fact]
    public void Other_connection_failures_stay_unreachable()
    {
        var failure = RedisFailures.Classify(new RedisConnectionException(ConnectionFailureType.SocketFailure,
            CommandFlags.None, "down", null, CommandStatus.Sent));

        Assert.Equal(RedisFailureKind.Unreachable, failure!.Kind);
        Assert.False(failure.NotApplied);
    }
}
