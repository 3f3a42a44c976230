using System.Diagnostics;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Style;

/// <summary>
/// The layout rules of .editorconfig, kept by CI rather than by review: whitespace as `dotnet format` would leave it,
/// and no source line over the hard limit (120 is the aim, 140 the limit, so a long name does not force odd breaks).
/// </summary>
public sealed class FormattingTests
{
    private const int MaxLineLength = 140;

    private static readonly string[] Generated = ["bin", "obj", ".cache", ".git", "node_modules", "TestResults"];

    [Fact]
    public void No_source_line_is_longer_than_the_limit()
    {
        var files = SourceFiles(RepoPaths.Root).ToList();
        Assert.True(files.Count > 100, $"found only {files.Count} source files under {RepoPaths.Root}");

        var offenders = files
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line: index + 1, line.Length)))
            .Where(l => l.Length > MaxLineLength)
            .Select(l => $"{Path.GetRelativePath(RepoPaths.Root, l.file)}:{l.line} ({l.Length})")
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
            $"dotnet format whitespace found changes to make (run it without --verify-no-changes):\n{await output}{await errors}");
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
