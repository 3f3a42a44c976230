namespace FacePing.Client;

/// <summary>
/// Where the FacePing API is, the key to call it with, and how patiently to follow its advice to retry. Bound from the
/// configuration section <c>FacePing</c> (<c>FacePing:Endpoint</c>, <c>FacePing:ApiKey</c>, …) by
/// <c>AddFacePingClient</c>, and from a connection string <c>Endpoint=…;Key=…</c> when one is given.
/// </summary>
public sealed class FacePingClientOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string Section = "FacePing";

    /// <summary>
    /// The API's base address (e.g. <c>https://faceping.example.org</c>). Left empty under Aspire: the client then
    /// finds the API by service discovery (<c>https+http://</c> + the resource name).
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// The key sent as <c>Authorization: Bearer</c>: a tenant key, or the admin key for
    /// <see cref="FacePingClient.Admin"/>.
    /// May be left empty and given per caller with <see cref="FacePingClient.WithApiKey"/>.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Retries of a call the API answered 429 or 503 with a <c>Retry-After</c> (its advice to come back); 0 turns
    /// retrying off. Each retry waits exactly what the API asked.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>A longer <c>Retry-After</c> is not waited out: the call fails with the problem at once.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a call may take, its retries and their waits included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Told of every write the API applied but could not yet confirm durable (<see cref="NotDurableWrite"/>); the call
    /// itself returns its answer as a success. Null: not told.
    /// </summary>
    public Action<NotDurableWrite>? OnWriteNotDurable { get; set; }

    /// <summary>What is wrong with these options, or null when they are usable.</summary>
    internal string? Problem() => this switch
    {
        { Endpoint: { IsAbsoluteUri: false } } =>
            "FacePing:Endpoint must be an absolute URL such as https://faceping.example.org.",
        { MaxRetries: < 0 or > 10 } => "FacePing:MaxRetries must be between 0 and 10.",
        _ when MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromMinutes(10) =>
            "FacePing:MaxRetryAfter must be between 0 and 10 minutes.",
        _ when Timeout < TimeSpan.FromSeconds(1) || Timeout > TimeSpan.FromHours(1) =>
            "FacePing:Timeout must be between 1 second and 1 hour.",
        _ => null,
    };
}
