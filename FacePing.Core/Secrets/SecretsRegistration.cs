using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FacePing.Core.Secrets;

public static class SecretsRegistration
{
    /// <summary>The application name every FacePing service shares, so they read one key ring.</summary>
    public const string ApplicationName = "FacePing";

    /// <summary>
    /// Data Protection on the shared key ring (<see cref="SecretsOptions.KeyDirectory"/>) and the
    /// <see cref="SecretSealer"/> on it. Both the Api and the Ingestion worker call this.
    /// </summary>
    public static IHostApplicationBuilder AddSealedSecrets(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SecretsOptions.Section).Get<SecretsOptions>() ?? new();
        builder.Services.AddOptions<SecretsOptions>().BindConfiguration(SecretsOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.KeyDirectory) || Path.IsPathFullyQualified(o.KeyDirectory),
                "FacePing:Secrets:KeyDirectory must be an absolute path.")
            .ValidateOnStart();
        var protection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        if (!string.IsNullOrEmpty(options.KeyDirectory) && Path.IsPathFullyQualified(options.KeyDirectory))
            protection.PersistKeysToFileSystem(new DirectoryInfo(options.KeyDirectory));
        builder.Services.AddSingleton<SecretSealer>();
        return builder;
    }
}
