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
/// Both run with the shipped deploy/redis/redis.conf. Locally, <c>FacePing:Redis:Replicas</c> adds replicas and three
/// Sentinels (the high-availability shape, to rehearse a failover); publish mode is unchanged.
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
                    context.Args.Add("redis-server --requirepass \"$REDIS_PASSWORD\" " +
                        RedisConfigFile.ShellWords(settings));
                });
        }

        var port = LocalPort(builder.Configuration);
        var dataDir = Path.Combine(root, ".cache", "redis-data");
        Directory.CreateDirectory(dataDir);
        var replicas = Replicas(builder.Configuration);
        if (replicas > 0) return builder.AddLocalHighAvailability(root, settings, port, dataDir, replicas);

        return builder.AddLocalRedisServer("redis", root,
            [.. settings, .. NodeArgs(port, dataDir)], dataDir, port);
    }

    /// <summary>
    /// <c>FacePing:Redis:Replicas</c> &gt; 0 (local mode): the primary <c>redis</c>, that many replicas
    /// (<c>redis-replica-N</c>, ports after the primary's) and three Sentinels (<c>redis-sentinel-N</c>, ports from
    /// <c>FacePing:LocalSentinelPort</c>, quorum 2), all the provisioned redis-server with the shipped configuration,
    /// so an operator can stop the primary from the dashboard and watch a failover. Each node starts from its own
    /// configuration file under .cache/redis-ha, which Sentinel rewrites on a failover (CONFIG REWRITE), so a restart
    /// of the AppHost keeps the promoted primary as primary instead of resynchronising it from the old one.
    /// </summary>
    private static IResourceBuilder<IResource> AddLocalHighAvailability(this IDistributedApplicationBuilder builder,
        string root, IReadOnlyList<string> settings, int port, string dataDir, int replicas)
    {
        // FacePing:Redis:HaDirectory moves the nodes' files elsewhere (the tests use a temporary folder).
        var haDir = builder.Configuration["FacePing:Redis:HaDirectory"] ?? Path.Combine(root, ".cache", "redis-ha");
        Directory.CreateDirectory(haDir);
        var sentinelPort = SentinelPort(builder.Configuration);
        // Files written for another shape (ports, replica count) would describe nodes that no longer exist.
        var shape = $"primary {port}, replicas {replicas}, sentinels {sentinelPort}";
        var shapeFile = Path.Combine(haDir, "shape");
        if (!File.Exists(shapeFile) || File.ReadAllText(shapeFile) != shape)
        {
            foreach (var file in Directory.GetFiles(haDir, "*.conf")) File.Delete(file);
            File.WriteAllText(shapeFile, shape);
        }

        string NodeConf(string name, string? replicaOf)
        {
            var path = Path.Combine(haDir, name + ".conf");
            if (!File.Exists(path))
                File.WriteAllText(path, "# Written by the AppHost once; Sentinel rewrites it (CONFIG REWRITE) when " +
                                        "it changes this node's role.\n" +
                                        (replicaOf is null ? "" : $"replicaof 127.0.0.1 {replicaOf}\n"));
            return path;
        }

        var primary = builder.AddLocalRedisServer("redis", root,
            [NodeConf("redis", null), .. settings, .. NodeArgs(port, dataDir)], dataDir, port);
        for (var i = 1; i <= replicas; i++)
        {
            var replicaDir = Path.Combine(haDir, $"replica-{i}");
            Directory.CreateDirectory(replicaDir);
            builder.AddLocalRedisServer($"redis-replica-{i}", root,
                [NodeConf($"replica-{i}", port.ToString()), .. settings, .. NodeArgs(port + i, replicaDir)],
                replicaDir, port + i);
        }
        for (var i = 0; i < 3; i++)
        {
            var conf = Path.Combine(haDir, $"sentinel-{i + 1}.conf");
            if (!File.Exists(conf))
            {
                File.WriteAllLines(conf,
                [
                    "# Written by the AppHost once; Sentinel records what it learns here.",
                    "bind 127.0.0.1",
                    "protected-mode no",
                    $"port {sentinelPort + i}",
                    $"dir {haDir}",
                    $"sentinel monitor {SentinelServiceName} 127.0.0.1 {port} 2",
                    $"sentinel down-after-milliseconds {SentinelServiceName} 5000",
                    $"sentinel failover-timeout {SentinelServiceName} 30000",
                    $"sentinel parallel-syncs {SentinelServiceName} 1",
                ]);
            }
            builder.AddLocalRedisServer($"redis-sentinel-{i + 1}", root, [conf, "--sentinel"], haDir, sentinelPort + i)
                .WaitFor(primary);
        }
        return primary;
    }

    // This node's own settings, after the shipped ones (later arguments win).
    private static string[] NodeArgs(int port, string dir) =>
        ["--bind", "127.0.0.1", "--port", port.ToString(), "--dir", dir, "--protected-mode", "yes"];

    private static IResourceBuilder<ExecutableResource> AddLocalRedisServer(
        this IDistributedApplicationBuilder builder, string name, string root, IReadOnlyList<string> args,
        string workingDirectory, int port)
    {
        var check = name + "-ping";
        builder.Services.AddHealthChecks().AddCheck(check, () => PingsBack(port)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"redis-server is not answering on 127.0.0.1:{port}"));
        var server = Path.Combine(root, ".cache", "redis", "bin", "redis-server");
        return builder.AddExecutable(name, server, workingDirectory, [.. args])
            .WithEnvironment("FACEPING_REDIS_PORT", port.ToString())
            .WithHealthCheck(check);
    }

    /// <summary>The Sentinel service name of the local high-availability shape.</summary>
    public const string SentinelServiceName = "faceping";

    private static int LocalPort(IConfiguration configuration) =>
        int.Parse(configuration["FacePing:LocalRedisPort"] ?? "6390");

    private static int SentinelPort(IConfiguration configuration) =>
        int.Parse(configuration["FacePing:LocalSentinelPort"] ?? "26390");

    private static int Replicas(IConfiguration configuration)
    {
        var replicas = int.Parse(configuration["FacePing:Redis:Replicas"] ?? "0");
        if (replicas is < 0 or > 5)
            throw new InvalidOperationException("FacePing:Redis:Replicas must be between 0 and 5.");
        return replicas;
    }

    /// <summary>
    /// Points a project at Redis the same way Aspire's reference would (ConnectionStrings__redis): the container, the
    /// local server, or with <c>FacePing:Redis:Replicas</c> the three local Sentinels (a Sentinel connection string, so
    /// the service follows a failover). <c>FacePing:Store:Durability</c>, when set for the AppHost, is passed on.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRedis(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<IResource> redis)
    {
        var configuration = project.ApplicationBuilder.Configuration;
        if (configuration["FacePing:Store:Durability"] is { Length: > 0 } durability)
            project.WithEnvironment("FacePing__Store__Durability", durability);
        if (redis.Resource is RedisResource container)
        {
            var typed = project.ApplicationBuilder.CreateResourceBuilder(container);
            return project.WithReference(typed).WaitFor(typed);
        }
        if (Replicas(configuration) > 0)
        {
            var sentinelPort = SentinelPort(configuration);
            var sentinels = project.ApplicationBuilder.Resources.OfType<ExecutableResource>()
                .Where(r => r.Name.StartsWith("redis-sentinel-", StringComparison.Ordinal));
            foreach (var sentinel in sentinels)
                project.WaitFor(project.ApplicationBuilder.CreateResourceBuilder(sentinel));
            return project.WithEnvironment("ConnectionStrings__redis", SentinelConnectionString(sentinelPort))
                .WaitFor(redis);
        }
        return project.WithEnvironment("ConnectionStrings__redis", "127.0.0.1:" + LocalPort(configuration))
            .WaitFor(redis);
    }

    /// <summary>The StackExchange.Redis Sentinel connection string of the local shape (docs/operations.md).</summary>
    public static string SentinelConnectionString(int firstSentinelPort) =>
        string.Join(",", Enumerable.Range(0, 3).Select(i => $"127.0.0.1:{firstSentinelPort + i}")) +
        $",serviceName={SentinelServiceName},abortConnect=false";

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
