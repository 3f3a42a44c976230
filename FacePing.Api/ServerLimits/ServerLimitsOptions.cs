using System.ComponentModel.DataAnnotations;

namespace FacePing.Api.ServerLimits;

/// <summary>
/// Kestrel's defences against slow clients (section <c>FacePing:Server</c>). A client that holds a connection open
/// with a header or body sent a byte at a time ties up a connection and a request slot; these bound how long it can.
/// </summary>
public sealed class ServerLimitsOptions
{
    public const string Section = "FacePing:Server";

    /// <summary>Time allowed to send the whole request line and headers.</summary>
    [Range(1, 300)]
    public int RequestHeadersTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Lowest average upload rate, once the grace period is over. 1 KB/s still lets a phone on a bad link send a
    /// 10 MB photo (in under three hours); anything slower is a trickle attack, not a client.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MinRequestBodyBytesPerSecond { get; set; } = 1024;

    /// <summary>
    /// Time before the upload rate is enforced (TCP slow start, a stalled first packet). Kestrel needs more than 1 s.
    /// </summary>
    [Range(2, 300)]
    public int BodyGracePeriodSeconds { get; set; } = 5;

    /// <summary>How long an idle keep-alive connection stays open.</summary>
    [Range(1, 3600)]
    public int KeepAliveTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Concurrent connections per server (null: unlimited), so a flood cannot exhaust sockets and memory.
    /// </summary>
    [Range(1, 1_000_000)]
    public long? MaxConcurrentConnections { get; set; } = 10_000;
}
