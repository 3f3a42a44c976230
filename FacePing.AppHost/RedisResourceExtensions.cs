using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FacePing.AppHost;

/// <summary>
/// Redis 8 (vector sets) for FacePing: the official container where a container runtime answers and always when
/// publishing (azd), otherwise the provisioned local redis-server, so the AppHost also runs on machines without Docker.
/// Both run with the shipped deploy/redis/redis.conf.
/// </summary>
internal static class RedisResourceExtensions
{
    private const string RedisImageTag = "8.2";

    public static string RepositoryRoot(this IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));

    public static IResourceBuilder<IResource> AddFacePingRedis(this IDistributedApplicationBuilder builder)
    {
        var root = builder.RepositoryRoot();
        var settings = RedisConfigFile.Arguments(RedisConfigFile.PathIn(root));
        var mode = builder.ExecutionContext.IsPublishMode
            ? "container"
            : builder.Configuration["FacePing:RedisMode"] ?? (ContainerRuntimeAnswers() ? "container" : "local");
        if (mode == "container")
        {
            // Aspire starts the image as `sh -c "redis-server --requirepass $REDIS_PASSWORD …"`; arguments added after
            // that would go to the shell, so the settings go into the same command line.
            return builder.AddRedis("redis")
                .WithImageTag(RedisImageTag)
                .WithDataVolume("faceping-redis-data")
                .WithArgs(context =>
                {
                    context.Args.Clear();
                    context.Args.Add("-c");
                    context.Args.Add("redis-server --requirepass \"$REDIS_PASSWORD\" " + RedisConfigFile.ShellWords(settings));
                });
        }

        var port = int.Parse(builder.Configuration["FacePing:LocalRedisPort"] ?? "6390");
        var dataDir = Path.Combine(root, ".cache", "redis-data");
        Directory.CreateDirectory(dataDir);

        builder.Services.AddHealthChecks().AddCheck("redis-local", () => PingsBack(port)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"redis-server is not answering on 127.0.0.1:{port}"));

        return builder.AddExecutable("redis", Path.Combine(root, ".cache", "redis", "bin", "redis-server"), dataDir,
                [.. settings, "--bind", "127.0.0.1", "--port", port.ToString(), "--dir", dataDir, "--protected-mode", "yes"])
            .WithEnvironment("FACEPING_REDIS_PORT", port.ToString())
            .WithHealthCheck("redis-local");
    }

    /// <summary>Points a project at Redis the same way Aspire's reference would (ConnectionStrings__redis).</summary>
    public static IResourceBuilder<ProjectResource> WithRedis(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<IResource> redis)
    {
        if (redis.Resource is RedisResource container)
        {
            var typed = project.ApplicationBuilder.CreateResourceBuilder(container);
            return project.WithReference(typed).WaitFor(typed);
        }
        var port = project.ApplicationBuilder.Configuration["FacePing:LocalRedisPort"] ?? "6390";
        return project.WithEnvironment("ConnectionStrings__redis", $"127.0.0.1:{port}").WaitFor(redis);
    }

    // Bounded in every step: a port that accepts and never answers (a stuck or foreign process) must make the check
    // fail within seconds, not hang the AppHost's health loop.
    private static bool PingsBack(int port)
    {
        var timeout = TimeSpan.FromSeconds(2);
        try
        {
            var milliseconds = (int)timeout.TotalMilliseconds;
            using var client = new TcpClient { ReceiveTimeout = milliseconds, SendTimeout = milliseconds };
            if (!client.ConnectAsync(IPAddress.Loopback, port).Wait(timeout)) return false;
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer, 0, buffer.Length);
            return read >= 5 && buffer[0] == (byte)'+';
        }
        catch (Exception e) when (e is SocketException or IOException or AggregateException)
        {
            return false;
        }
    }

    private static bool ContainerRuntimeAnswers()
    {
        foreach (var runtime in new[] { "docker", "podman" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, "info")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                });
                if (process is null) continue;
                if (process.WaitForExit(TimeSpan.FromSeconds(5)) && process.ExitCode == 0) return true;
                if (!process.HasExited) process.Kill();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed.
            }
        }
        return false;
    }
}
