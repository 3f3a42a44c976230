using System.Diagnostics;
using System.Text;

namespace FacePing.Tests.Clients;

/// <summary>Runs a command to its end (or kills it at the limit), keeping its output for the tests' messages.</summary>
public static class ProcessRun
{
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>The output's last lines, where a failing command says why.</summary>
        public string Tail => string.Join('\n', Output.Split('\n').TakeLast(60));
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string directory,
        IReadOnlyDictionary<string, string>? environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output) output.AppendLine($"(killed after {limit})");
            return new Result(-1, output.ToString());
        }
        process.WaitForExit(); // drains the redirected output
        lock (output) return new Result(process.ExitCode, output.ToString());
    }
}
