using System.Diagnostics;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Style;

/// <summary>
/// The layout rules of .editorconfig, kept by CI rather than by review: whitespace as `dotnet format` would leave it,
/// and no source line over 120 characters. The only exceptions are the lines listed in <see cref="LongerLines"/>,
/// which cannot be wrapped without changing what they are.
/// </summary>
public sealed class FormattingTests
{
    private const int MaxLineLength = 120;

    /// <summary>
    /// Lines allowed over the limit, by file and by how their text starts: a test name that is longer than the limit
    /// on its own, and raw string literals, whose text is the value (Lua scripts, a JSON body). Nothing else may be.
    /// </summary>
    private static readonly (string File, string Start)[] LongerLines =
    [
        ("FacePing.Tests/OnRedisCluster/CrossApiFaceTests.cs", "public async Task A_face_stored_on_one_api_is"),
        ("FacePing.Tests/OnRedisCluster/CrossApiVectorTests.cs", "public async Task A_write_on_one_api_is_found"),
        ("FacePing.Tests/Security/TenantIsolationTests.cs", "$$\"\"\"{\"vectors\":[{\"id\":\"{{f.VectorId}}\","),
    ];

    private static readonly string[] Generated = ["bin", "obj", ".cache", ".git", "node_modules", "TestResults"];

    [Fact]
    public void No_source_line_is_longer_than_the_limit()
    {
        var files = SourceFiles(RepoPaths.Root).ToList();
        Assert.True(files.Count > 100, $"found only {files.Count} source files under {RepoPaths.Root}");

        var offenders = files
            .SelectMany(file => File.ReadLines(file).Select((text, index) => (file, line: index + 1, text)))
            .Where(l => l.text.Length > MaxLineLength && !MayBeLonger(l.file, l.text))
            .Select(l => $"{Path.GetRelativePath(RepoPaths.Root, l.file)}:{l.line} ({l.text.Length})")
            .ToList();
        Assert.True(offenders.Count == 0,
            $"{offenders.Count} lines over {MaxLineLength} characters:\n" + string.Join("\n", offenders.Take(50)));
    }

    [Fact]
    public async Task Whitespace_is_as_dotnet_format_leaves_it()
    {
        // Folder mode reads .editorconfig without loading the projects, so it runs beside a build in a few seconds.
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] args = ["format", "whitespace", ".", "--folder", "--verify-no-changes", "--exclude",
            .. Generated.Select(name => $"**/{name}")];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(process.ExitCode == 0,
            "dotnet format whitespace found changes to make " +
            $"(run it without --verify-no-changes):\n{await output}{await errors}");
    }

    private static bool MayBeLonger(string file, string text)
    {
        var path = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
        return LongerLines.Any(l => l.File == path && text.TrimStart().StartsWith(l.Start, StringComparison.Ordinal));
    }

    private static IEnumerable<string> SourceFiles(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".razor", StringComparison.Ordinal))
                yield return file;
        }
        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            if (Generated.Contains(Path.GetFileName(child))) continue;
            foreach (var file in SourceFiles(child)) yield return file;
        }
    }
}
