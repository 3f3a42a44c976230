namespace FacePing.AppHost;

/// <summary>
/// A local SMTP catcher (smtp4dev, provisioned by eng/setup.sh) so ingestion e-mails can be read in a browser during
/// development. Production points FacePing:Smtp at a real relay instead.
/// </summary>
internal static class SmtpCatcherExtensions
{
    public const int SmtpPort = 2525;
    public const int WebPort = 5025;

    public static IResourceBuilder<ExecutableResource>? AddSmtpCatcher(this IDistributedApplicationBuilder builder)
    {
        var tool = Path.Combine(builder.RepositoryRoot(), ".cache", "tools", "smtp4dev");
        if (!File.Exists(tool) || builder.Configuration["FacePing:SmtpCatcher"] == "false") return null;
        return builder.AddExecutable("mail", tool, builder.RepositoryRoot(),
                $"--urls=http://127.0.0.1:{WebPort}", $"--smtpport={SmtpPort}", "--bindaddress=127.0.0.1",
                "--imapport=0", "--pop3port=0", "--db=", "--nousersettings")
            .WithHttpEndpoint(port: WebPort, name: "http", isProxied: false)
            .WithHttpHealthCheck("/");
    }
}
