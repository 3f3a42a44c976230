using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace FacePing.Api.Infrastructure;

/// <summary>
/// Reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (section
/// <c>FacePing:Proxy</c>). The failed-authentication limit and the logs need the caller's address: behind a proxy that
/// is not listed here every caller appears as the proxy and shares its bucket. Nothing is believed by default, not
/// even loopback (ASP.NET Core's default): a local caller could otherwise rotate <c>X-Forwarded-For</c> to escape the
/// failed-authentication limit.
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    public const string Section = "FacePing:Proxy";

    /// <summary>CIDR networks of the proxies in front of the Api, for example <c>10.0.0.0/8</c>.</summary>
    public string[] TrustedNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in TrustedNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
                yield return new ValidationResult(
                    $"FacePing:Proxy:TrustedNetworks: '{network}' is not a CIDR network such as 10.0.0.0/8.");
        }
    }
}

public static class ClientAddresses
{
    public static IServiceCollection AddFacePingClientAddresses(this IServiceCollection services,
        IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>()
            .Bind(configuration.GetSection(ProxyOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = proxies.Value.TrustedNetworks.Length == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear(); // ::1 by default
            forwarded.KnownIPNetworks.Clear(); // 127.0.0.0/8 by default
            foreach (var network in proxies.Value.TrustedNetworks)
                forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
        });
        return services;
    }

    /// <summary>First in the pipeline: everything after it sees the caller's address.</summary>
    public static IApplicationBuilder UseFacePingClientAddresses(this IApplicationBuilder app) =>
        app.UseForwardedHeaders();
}
