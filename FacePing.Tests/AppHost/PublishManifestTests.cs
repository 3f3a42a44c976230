using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.AppHost;

/// <summary>
/// What azd deploys: the AppHost's publish manifest (as <c>azd</c> generates it) holds only deployable resources, and a
/// published Inference carries its models, so the container it becomes needs no download. docs/deploy.md explains both.
/// </summary>
public sealed class PublishManifestTests
{
    private static readonly string Configuration =
        AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    [Fact]
    public async Task The_manifest_holds_only_deployable_resources_with_secrets_as_parameters()
    {
        // Inside the clone, as azd does it, so project paths are relative to the repository.
        var output = Path.Combine(RepoPaths.Root, ".cache", "manifest-" + Guid.NewGuid().ToString("N"));
        var manifestPath = Path.Combine(output, "aspire-manifest.json");
        var appHost = Path.Combine(RepoPaths.Root, "FacePing.AppHost", "bin", Configuration, "net10.0",
            "FacePing.AppHost.dll");
        await RunAsync("dotnet", [appHost, "--publisher", "manifest", "--output-path", manifestPath], RepoPaths.Root);

        var text = await File.ReadAllTextAsync(manifestPath);
        using var manifest = JsonDocument.Parse(text);
        var resources = manifest.RootElement.GetProperty("resources");
        string Type(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

        // Nothing of the build machine: no absolute path, no loopback address, no local executable.
        Assert.DoesNotContain(RepoPaths.Root, text);
        Assert.DoesNotContain("127.0.0.1", text);
        Assert.DoesNotContain(resources.EnumerateObject(),
            r => r.Value.GetProperty("type").GetString()!.StartsWith("executable", StringComparison.Ordinal));
        Assert.False(resources.TryGetProperty("mail", out _), "the development SMTP catcher is not deployed");

        // Redis 8: the official image, a persistent volume, the shipped configuration on its command line, a password.
        var redis = resources.GetProperty("redis");
        Assert.StartsWith("container.", Type("redis"));
        Assert.Matches(@"(^|/)redis:8(\.\d+)*$", redis.GetProperty("image").GetString());
        Assert.Contains(redis.GetProperty("volumes").EnumerateArray(),
            v => v.GetProperty("target").GetString() == "/data");
        var command = string.Join(' ', redis.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("--requirepass", command);
        string[] settings =
        [
            "--appendonly yes", "--appendfsync always", "--aof-use-rdb-preamble yes", "--auto-aof-rewrite-percentage 5",
            "--maxmemory-policy noeviction", "--save ''", "--hash-max-listpack-value 4096",
        ];
        foreach (var setting in settings)
            Assert.Contains(setting, command);

        // Services are .NET projects by relative path; the Api and the console are the public ones.
        foreach (var project in new[] { "inference", "api", "ingestion", "console" })
        {
            Assert.Equal("project.v0", Type(project));
            var path = resources.GetProperty(project).GetProperty("path").GetString()!;
            Assert.False(Path.IsPathRooted(path), path);
            Assert.True(File.Exists(Path.GetFullPath(Path.Combine(output, path))), path);
        }
        Assert.False(resources.GetProperty("inference")
            .GetProperty("env").TryGetProperty("FacePing__Models__Directory", out _));
        foreach (var project in new[] { "api", "console" })
        {
            var bindings = resources.GetProperty(project).GetProperty("bindings").EnumerateObject();
            Assert.Contains(bindings, b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean());
        }
        // The console finds the Api by service discovery and holds no secret: no admin key, no Redis.
        var consoleEnv = resources.GetProperty("console").GetProperty("env");
        Assert.Equal("{api.bindings.http.url}", consoleEnv.GetProperty("services__api__http__0").GetString());
        Assert.False(consoleEnv.TryGetProperty("FacePing__AdminKey", out _));
        Assert.False(consoleEnv.TryGetProperty("ConnectionStrings__redis", out _));
        Assert.DoesNotContain(resources.GetProperty("inference").GetProperty("bindings").EnumerateObject(),
            b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean());
        Assert.Equal("{redis.connectionString}",
            resources.GetProperty("api").GetProperty("env").GetProperty("ConnectionStrings__redis").GetString());

        // The admin key and the SMTP relay are asked for at deploy time; the secrets are marked secret.
        foreach (var (name, secret) in new[] { ("admin-key", true), ("smtp-host", false), ("smtp-port", false),
                     ("smtp-from", false), ("smtp-username", false), ("smtp-password", true),
                     ("redis-password", true) })
        {
            Assert.Equal("parameter.v0", Type(name));
            var input = resources.GetProperty(name).GetProperty("inputs").GetProperty("value");
            Assert.Equal(secret, input.TryGetProperty("secret", out var s) && s.GetBoolean());
        }
        var ingestionEnv = resources.GetProperty("ingestion").GetProperty("env");
        Assert.Equal("{smtp-password.value}", ingestionEnv.GetProperty("FacePing__Smtp__Password").GetString());
        Assert.Equal("{admin-key.value}",
            resources.GetProperty("api").GetProperty("env").GetProperty("FacePing__AdminKey").GetString());
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Azd_deploys_the_AppHost_to_container_apps_after_provisioning_the_models()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "azure.yaml")).Select(l => l.Trim()).ToArray();
        Assert.Contains("project: ./FacePing.AppHost/FacePing.AppHost.csproj", lines);
        Assert.Contains("host: containerapp", lines);
        Assert.Contains("run: ./eng/provision-models.sh", lines);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "FacePing.AppHost", "FacePing.AppHost.csproj")));
    }

    [Fact]
    public async Task A_published_Inference_carries_the_provisioned_models()
    {
        var output = Directory.CreateTempSubdirectory("faceping-publish-").FullName;
        await RunAsync("dotnet",
            ["publish", Path.Combine(RepoPaths.Root, "FacePing.Inference", "FacePing.Inference.csproj"),
                "-c", Configuration, "-o", output, "--nologo", "-v", "q"], RepoPaths.Root);

        var provisioned = Directory.GetFiles(RepoPaths.Models, "*.onnx").Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(4, provisioned.Length);
        foreach (var file in provisioned)
        {
            var published = Path.Combine(output, "models", file!);
            Assert.True(File.Exists(published), $"{file} missing from the publish output");
            Assert.Equal(Sha256(Path.Combine(RepoPaths.Models, file!)), Sha256(published));
        }
        Directory.Delete(output, recursive: true);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private static async Task RunAsync(string file, string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0,
            $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
