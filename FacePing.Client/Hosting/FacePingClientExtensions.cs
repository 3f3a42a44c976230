using System.Data.Common;
using FacePing.Client;
using FacePing.Client.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers <see cref="FacePingClient"/> the Aspire way.</summary>
public static class FacePingClientExtensions
{
    /// <summary>The name of the HttpClient behind <see cref="FacePingClient"/> (for extra handlers).</summary>
    public const string HttpClientName = "FacePing";

    /// <summary>
    /// Registers <see cref="FacePingClient"/> (transient, over a pooled HttpClient). The API's address is
    /// <c>FacePing:Endpoint</c>, else the connection string <paramref name="connectionName"/>
    /// (<c>Endpoint=https://…;Key=…</c>), else service discovery of the resource <paramref name="connectionName"/>
    /// (<c>https+http://api</c>: the AppHost's <c>WithReference(api)</c>). The key is <c>FacePing:ApiKey</c> or the
    /// connection string's <c>Key</c>. Options are validated at start-up. Retries follow the API's Retry-After and
    /// replace any resilience handler the app's defaults add, so a call is never retried by two layers.
    /// </summary>
    public static IHttpClientBuilder AddFacePingClient(this IHostApplicationBuilder builder,
        string connectionName = "api", Action<FacePingClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        builder.Services.AddOptions<FacePingClientOptions>()
            .Bind(builder.Configuration.GetSection(FacePingClientOptions.Section))
            .Configure(options =>
            {
                ApplyConnectionString(options, connectionString);
                configure?.Invoke(options);
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FacePingClientOptions>,
            OptionsRules>());

        builder.Services.AddServiceDiscovery();
        var http = builder.Services.AddHttpClient(HttpClientName, (services, client) =>
        {
            var options = services.GetRequiredService<IOptions<FacePingClientOptions>>().Value;
            client.BaseAddress = options.Endpoint ?? new Uri($"https+http://{connectionName}");
            client.Timeout = options.Timeout;
        });
        // The API says when a retry is welcome; a general-purpose handler added by the app's defaults would also retry
        // 500s and resend creating calls behind this one's back. The removal is marked experimental but is the
        // documented way to opt one client out of ConfigureHttpClientDefaults.
#pragma warning disable EXTEXP0001
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddResilienceHandler("faceping-retry", (pipeline, context) => pipeline.AddFacePingRetry(
            context.ServiceProvider.GetRequiredService<IOptions<FacePingClientOptions>>().Value));
        http.AddServiceDiscovery();
        builder.Services.TryAddTransient(services => new FacePingClient(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            services.GetRequiredService<IOptions<FacePingClientOptions>>().Value));
        return http;
    }

    /// <summary>
    /// Reads <c>Endpoint=…;Key=…</c> (or a bare URL) into <paramref name="options"/>; absent parts change nothing.
    /// </summary>
    internal static void ApplyConnectionString(FacePingClientOptions options, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return;
        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var bare))
        {
            options.Endpoint = bare;
            return;
        }
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (parts.TryGetValue("Endpoint", out var endpoint) && endpoint is string url)
            options.Endpoint = new Uri(url, UriKind.Absolute);
        if ((parts.TryGetValue("Key", out var key) || parts.TryGetValue("ApiKey", out key)) && key is string k)
            options.ApiKey = k;
    }

    private sealed class OptionsRules : IValidateOptions<FacePingClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, FacePingClientOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
