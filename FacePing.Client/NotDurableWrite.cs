namespace FacePing.Client;

/// <summary>
/// A write the API applied but could not yet confirm durable (<c>202</c>, problem type
/// <c>urn:faceping:problem:write-not-durable</c>): it happened and is readable, but it is not yet on the primary's
/// fsynced disk or on a replica (<see cref="Durability"/>), so a crash or failover right now could still lose it. The
/// client returns the call's answer as a success (a write that was applied is never reported as failed) and tells
/// <see cref="FacePingClientOptions.OnWriteNotDurable"/>. To be sure it survives, read it back once the outage is over
/// and write it again (by id) only if it is gone.
/// </summary>
/// <param name="Method">The request's method.</param>
/// <param name="Path">The request's path.</param>
/// <param name="Durability">The promise not yet kept: <c>local</c> (the primary's disk) or <c>replica</c>.</param>
/// <param name="Detail">The API's wording.</param>
public sealed record NotDurableWrite(string Method, string Path, string? Durability, string? Detail);
