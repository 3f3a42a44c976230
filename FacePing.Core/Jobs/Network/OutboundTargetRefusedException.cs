namespace FacePing.Core.Jobs.Network;

/// <summary>
/// A host a client named resolves to an address the service must not reach (SSRF), or does not resolve.
/// </summary>
public sealed class OutboundTargetRefusedException(string message, Exception? inner = null) : Exception(message, inner);
