namespace FacePing.Api.Auth;

/// <summary>
/// The authentication failure of a caller whose address spent its failed-authentication budget: the challenge answers
/// it 429 with <see cref="RetryAfter"/> instead of 401. Never thrown, only carried by the authentication result.
/// </summary>
public sealed class AddressBlockedException(TimeSpan retryAfter)
    : Exception("Too many failed authentications from this address.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
