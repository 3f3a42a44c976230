using FacePing.Client.Http;

namespace FacePing.Client;

/// <summary>
/// The FacePing API, typed: <see cref="Groups"/>, <see cref="Vectors"/>, <see cref="Faces"/>, <see cref="Jobs"/>
/// (folder imports), <see cref="Clustering"/>, <see cref="Webhooks"/> and, with the admin key, <see cref="Admin"/>.
/// Every problem the API answers is thrown as a <see cref="FacePingException"/>. Register it with
/// <c>builder.AddFacePingClient("api")</c> (Aspire, with retries), build one with <see cref="Create"/>, or wrap an
/// <see cref="HttpClient"/> of your own with the constructor.
/// </summary>
public sealed class FacePingClient : IDisposable
{
    private readonly ApiConnection _api;
    private readonly bool _ownsHttp;

    /// <summary>
    /// A client over <paramref name="http"/> as it is: its handlers are yours, so retries happen only if it has
    /// <see cref="FacePingRetry.CreateHandler"/> (or the DI registration's handler) in its chain. The address is
    /// <paramref name="http"/>'s BaseAddress, else <see cref="FacePingClientOptions.Endpoint"/>.
    /// </summary>
    public FacePingClient(HttpClient http, FacePingClientOptions options)
        : this(new ApiConnection(http ?? throw new ArgumentNullException(nameof(http)),
            options?.Endpoint, options?.ApiKey, options?.OnWriteNotDurable), ownsHttp: false)
    {
    }

    private FacePingClient(ApiConnection api, bool ownsHttp)
    {
        _api = api;
        _ownsHttp = ownsHttp;
        Groups = new GroupsClient(api);
        Vectors = new VectorsClient(api);
        Faces = new FacesClient(api);
        Jobs = new JobsClient(api);
        Clustering = new ClusteringClient(api);
        Webhooks = new WebhooksClient(api);
        Admin = new AdminClient(api);
    }

    /// <summary>
    /// A client with its own <see cref="HttpClient"/>, following the API's Retry-After advice
    /// (<see cref="FacePingRetry"/>); dispose it when done. <see cref="FacePingClientOptions.Endpoint"/> is required.
    /// </summary>
    public static FacePingClient Create(FacePingClientOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint is null) throw new ArgumentException("Endpoint is required.", nameof(options));
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        var http = new HttpClient(FacePingRetry.CreateHandler(options, handler))
        {
            BaseAddress = options.Endpoint,
            Timeout = options.Timeout,
        };
        return new FacePingClient(
            new ApiConnection(http, options.Endpoint, options.ApiKey, options.OnWriteNotDurable), ownsHttp: true);
    }

    /// <summary>Groups and the vector ids in them.</summary>
    public GroupsClient Groups { get; }

    /// <summary>Raw vectors: store, upsert, search, compare.</summary>
    public VectorsClient Vectors { get; }

    /// <summary>Photos: compare, detect, embed, store, search, identify.</summary>
    public FacesClient Faces { get; }

    /// <summary>Folder imports and jobs.</summary>
    public JobsClient Jobs { get; }

    /// <summary>Cluster jobs and their clusters.</summary>
    public ClusteringClient Clustering { get; }

    /// <summary>The tenant's callback signing secret.</summary>
    public WebhooksClient Webhooks { get; }

    /// <summary>Tenant keys (admin key only).</summary>
    public AdminClient Admin { get; }

    /// <summary>
    /// The same client (same HttpClient, same retries) calling with another key: a tenant's, or the admin key. Cheap;
    /// for a server that acts for many tenants.
    /// </summary>
    public FacePingClient WithApiKey(string? apiKey) => new(_api.WithApiKey(apiKey), ownsHttp: false);

    /// <summary>Disposes the HttpClient if <see cref="Create"/> made it.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _api.Http.Dispose();
    }
}
