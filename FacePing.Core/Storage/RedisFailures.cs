using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>Why Redis could not serve a request for now (each answered 503 with Retry-After, never 500).</summary>
public enum RedisFailureKind
{
    /// <summary>No connection to the primary (down, restarting, or not yet known after a failover).</summary>
    Unreachable,
    /// <summary>No answer in time.</summary>
    Timeout,
    /// <summary><c>READONLY</c> (or a blocked command unblocked by a role change): the node written to became a
    /// replica; a failover is under way.</summary>
    ReadOnly,
    /// <summary><c>LOADING</c>: Redis restarted and is reading its data set.</summary>
    Loading,
    /// <summary><c>MASTERDOWN</c>: a replica that lost its primary refuses to serve stale data.</summary>
    MasterDown,
    /// <summary><c>NOREPLICAS</c>: the primary's <c>min-replicas-to-write</c> is not met.</summary>
    NoReplicas,
    /// <summary><c>BUSY</c>: a script is blocking the server.</summary>
    Busy,
    /// <summary><c>OOM</c>: memory is full and the policy is noeviction.</summary>
    OutOfMemory,
    /// <summary><c>MISCONF</c>: the server cannot persist and refuses writes.</summary>
    PersistenceFailing,
    /// <summary><c>TRYAGAIN</c> / <c>CLUSTERDOWN</c>: a cluster slot is moving or not served.</summary>
    ClusterUnavailable,
    /// <summary>The write was applied but its durability policy was not confirmed
    /// (<see cref="DurabilityException"/>).</summary>
    NotDurable,
}

/// <summary>A classified Redis failure: its code (for problem+json and /health), an operator-readable detail, the
/// Retry-After to send, and whether it proves the command was not applied (so repeating it is safe).</summary>
public sealed record RedisFailure(
    RedisFailureKind Kind, string Code, string Detail, int RetryAfterSeconds, bool NotApplied);

/// <summary>
/// Tells transient Redis failures (failover, restart, outage, unconfirmed durability) from everything else. The Api
/// answers the classified ones 503 with Retry-After; the store repeats a step once when the failure proves the step was
/// not applied (<see cref="RedisFailure.NotApplied"/>).
/// </summary>
public static class RedisFailures
{
    private const string FailingOver = "The data store is failing over to a new primary; retry shortly.";

    private static readonly (string Code, RedisFailureKind Kind, string Detail, int RetryAfter) Loading =
        ("LOADING", RedisFailureKind.Loading, "The data store restarted and is loading its data; retry shortly.", 2);

    private static readonly (string Code, RedisFailureKind Kind, string Detail, int RetryAfter)[] ServerErrors =
    [
        ("READONLY", RedisFailureKind.ReadOnly, FailingOver, 1),
        ("UNBLOCKED", RedisFailureKind.ReadOnly, FailingOver, 1),
        Loading,
        ("MASTERDOWN", RedisFailureKind.MasterDown,
            "The data store has lost its primary and is failing over; retry shortly.", 1),
        ("NOREPLICAS", RedisFailureKind.NoReplicas,
            "The data store has too few replicas to accept writes; retry shortly.", 2),
        ("BUSY", RedisFailureKind.Busy, "The data store is busy; retry shortly.", 1),
        ("OOM", RedisFailureKind.OutOfMemory, "The data store is out of memory and refuses writes; retry later.", 30),
        ("MISCONF", RedisFailureKind.PersistenceFailing,
            "The data store cannot persist data and refuses writes; retry later.", 10),
        ("TRYAGAIN", RedisFailureKind.ClusterUnavailable, "Part of the data store is being moved; retry shortly.", 1),
        ("CLUSTERDOWN", RedisFailureKind.ClusterUnavailable,
            "Part of the data store is unavailable; retry shortly.", 2),
    ];

    /// <summary>The failure, or null when <paramref name="exception"/> is not a transient Redis failure.</summary>
    public static RedisFailure? Classify(Exception exception)
    {
        switch (exception)
        {
            case DurabilityException e:
                return new RedisFailure(RedisFailureKind.NotDurable, "not-durable", e.Message, 1, e.NotApplied);
            // A reconnect that meets a restarted Redis still reading its data set fails its handshake with this
            // type rather than a LOADING reply: the same state, said the same way (the health check met it).
            case RedisConnectionException { FailureType: ConnectionFailureType.Loading } e:
                return Server(Loading) with { NotApplied = NeverSent(e.CommandStatus) };
            case RedisConnectionException e:
                return new RedisFailure(RedisFailureKind.Unreachable, "unreachable",
                    "The data store is unreachable; retry shortly.", 2, NeverSent(e.CommandStatus));
            case RedisTimeoutException e:
                return new RedisFailure(RedisFailureKind.Timeout, "timeout",
                    "The data store did not answer in time; retry shortly.", 2, NeverSent(e.Commandstatus));
            case RedisServerException e:
                var message = e.Message;
                // "WAIT cannot be used with replica instances": the durability wait reached a demoted primary.
                if (message.Contains("cannot be used with replica", StringComparison.Ordinal))
                    return Server(ServerErrors[0]);
                foreach (var error in ServerErrors)
                {
                    // A script's failing redis.call keeps the error's code in front ("READONLY You can't write…
                    // script: …"); older servers wrapped it ("ERR Error running script …: -READONLY …").
                    if (message.StartsWith(error.Code + " ", StringComparison.Ordinal) || message == error.Code ||
                        message.Contains("-" + error.Code + " ", StringComparison.Ordinal))
                        return Server(error);
                }
                return null;
            default:
                return null;
        }

        // Still in the client's queue when it failed: the server never saw it.
        static bool NeverSent(CommandStatus status) =>
            status is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog;

        // The server refused the command, so nothing of it was applied.
        static RedisFailure Server((string Code, RedisFailureKind Kind, string Detail, int RetryAfter) e) =>
            new(e.Kind, e.Code.ToLowerInvariant(), e.Detail, e.RetryAfter, NotApplied: true);
    }
}

/// <summary>
/// A write's durability policy (<see cref="VectorStoreOptions.Durability"/>) did not hold. Either the write was applied
/// and only its confirmation is missing (<see cref="Applied"/>: answered 202 <c>write-not-durable</c>, never as if it
/// had not happened; <see cref="Pending"/> names the mode not yet confirmed), or it was refused before being sent
/// (<see cref="NotApplied"/>: no replica connected, or the node turned out to be a replica; answered 503, safe to
/// repeat).
/// </summary>
public sealed class DurabilityException(string message, bool notApplied = false, Exception? inner = null,
    string? pending = null) : RedisException(message, inner!)
{
    public bool NotApplied { get; } = notApplied;

    /// <summary>The write was applied; its durability is not confirmed.</summary>
    public bool Applied => !NotApplied;

    /// <summary>The mode whose promise is not yet confirmed (<c>local</c> or <c>replica</c>) of an applied write.
    /// </summary>
    public string? Pending { get; } = pending;
}
