using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Clients;

/// <summary>
/// The "done when": <c>dotnet pack</c> makes FacePing.Client's NuGet package, and a new project outside the
/// repository (clients/dotnet-sample/EventPhotos, copied away from the repository's build settings) restores it from a
/// local folder and runs the event-photo flow against the real Api: a group, an FTP folder import waited for, a selfie
/// search that finds the photo.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class PackageTests(ClientFixture fx)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task A_new_project_on_the_packed_client_runs_the_event_photo_flow()
    {
        var work = Directory.CreateTempSubdirectory("faceping-package-");
        // A version of this run's own: NuGet's global folder caches packages by id and version, so a fixed version
        // would let a stale copy from an earlier run stand in for this build.
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "faceping.client", version);
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
            var pack = await ProcessRun.RunAsync("dotnet",
            [
                "pack", Path.Combine(RepoPaths.Root, "FacePing.Client", "FacePing.Client.csproj"), "-c", Configuration,
                "--no-build", "-o", feed, $"-p:PackageVersion={version}", "-nologo",
            ], RepoPaths.Root, null, TimeSpan.FromMinutes(3));
            Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Tail);
            Assert.True(File.Exists(Path.Combine(feed, $"FacePing.Client.{version}.nupkg")), pack.Tail);

            var project = Path.Combine(work.FullName, "EventPhotos");
            CopyDirectory(Path.Combine(RepoPaths.Root, "clients", "dotnet-sample", "EventPhotos"), project);
            // The folder is added to the machine's own package sources (the packages it depends on come from there).
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="faceping-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            var key = (await fx.NewTenantAsync("packed client")).Key;
            var selfie = Path.Combine(fx.Folder.Path, IngestFolder.FacePhotos[2]);
            var run = await ProcessRun.RunAsync("dotnet",
            [
                "run", "-c", "Release", $"-p:FacePingClientVersion={version}", "--",
                "127.0.0.1", fx.Ftp.Port.ToString(), fx.Ftp.User, fx.Ftp.Password, selfie,
            ], project, new Dictionary<string, string>
            {
                ["ConnectionStrings__faceping"] = $"Endpoint={fx.ApiUrl};Key={key}",
                ["DOTNET_NOLOGO"] = "1",
            }, TimeSpan.FromMinutes(6));
            Assert.True(run.ExitCode == 0, "the consumer failed:\n" + run.Tail);
            Assert.Contains($"imported: completed, {IngestFolder.FacePhotos.Length} of 6 photos stored", run.Output);
            Assert.Contains($"not stored: {IngestFolder.NoFacePhoto} (no face found)", run.Output);
            Assert.Contains($"found: {IngestFolder.FacePhotos[2]} score", run.Output);
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { }
            try { if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true); } catch (IOException) { }
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(dir);
            if (name is "bin" or "obj") continue;
            CopyDirectory(dir, Path.Combine(to, name));
        }
    }
}
