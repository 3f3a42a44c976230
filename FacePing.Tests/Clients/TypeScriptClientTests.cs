using FacePing.Tests.Infrastructure;
using FacePing.Tests.Ingestion.Fakes;

namespace FacePing.Tests.Clients;

/// <summary>
/// The TypeScript client (clients/typescript) from Node against the real Api: compiles it with the generated types and
/// runs its node:test file, which compares, stores, searches, waits for an FTP import and retries a real 429.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class TypeScriptClientTests(ClientFixture fx)
{
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "clients", "typescript");

    [Fact]
    public async Task The_node_tests_pass_against_the_real_Api()
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules")),
            "clients/typescript/node_modules is missing: run ./test.sh (eng/setup.sh --test runs npm ci there).");
        var build = await ProcessRun.RunAsync("npm", ["run", "--silent", "build"], Folder, null,
            TimeSpan.FromMinutes(3));
        Assert.True(build.ExitCode == 0, "tsc failed:\n" + build.Tail);

        var run = await ProcessRun.RunAsync("node", ["--test", "--test-reporter=tap", "dist/test/"], Folder,
            new Dictionary<string, string>
            {
                ["FACEPING_URL"] = fx.ApiUrl.ToString(),
                ["FACEPING_LIMITED_URL"] = fx.LimitedApiUrl.ToString(),
                ["FACEPING_ADMIN_KEY"] = ApiFactory.AdminKey,
                ["FACEPING_PHOTOS"] = fx.Photos,
                ["FACEPING_FTP_PORT"] = fx.Ftp.Port.ToString(),
                ["FACEPING_FTP_USER"] = fx.Ftp.User,
                ["FACEPING_FTP_PASSWORD"] = fx.Ftp.Password,
                ["FACEPING_FTP_FACES"] = IngestFolder.FacePhotos.Length.ToString(),
                ["FACEPING_SELFIE"] = Path.Combine(fx.Folder.Path, IngestFolder.FacePhotos[2]),
            }, TimeSpan.FromMinutes(4));
        Assert.True(run.ExitCode == 0, "node --test failed:\n" + run.Tail);
        Assert.Contains("# pass 5", run.Output);
        Assert.Contains("# fail 0", run.Output);
    }
}
