using System.Diagnostics;
using FacePing.Contracts.Inference;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using FacePing.Inference.Pipeline;
using Microsoft.Extensions.Options;

namespace FacePing.Benchmarks;

/// <summary>
/// <c>--cpu-cost</c>: wall-clock rate and process CPU time per image for 1 and 2 callers. On a shared, busy machine
/// wall-clock figures swing with other load; CPU milliseconds per image say what two free cores would reach
/// (images/s ≈ 2000 / CPU ms).
/// </summary>
public static class CpuCost
{
    public static void Run(string[] args)
    {
        var threads = args.Length > 1 ? int.Parse(args[1]) : 0;
        var modelOptions = Options.Create(
            new ModelOptions { Directory = BenchmarkImages.Models, IntraOpThreads = threads });
        using var models = new FaceModels(modelOptions);
        var pipeline = FacePipeline.Create(models, modelOptions);
        var bytes = BenchmarkImages.Load(BenchmarkImages.SingleFace);
        for (var i = 0; i < 5; i++) pipeline.Analyze(bytes, EmbedMode.Largest);

        Console.WriteLine($"intra-op threads: {(threads > 0 ? threads : Environment.ProcessorCount)}; " +
            $"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var callers in new[] { 1, 2 })
        {
            const int images = 60;
            var latencies = new double[images];
            var next = -1;
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, callers).Select(_ => new Thread(() =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < images)
                {
                    var start = Stopwatch.GetTimestamp();
                    pipeline.Analyze(bytes, EmbedMode.Largest);
                    latencies[n] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            })).ToArray();
            foreach (var w in workers) w.Start();
            foreach (var w in workers) w.Join();
            clock.Stop();
            process.Refresh();
            var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / images;
            Array.Sort(latencies);
            Console.WriteLine($"{callers} caller(s): {images / clock.Elapsed.TotalSeconds:F1} images/s wall, " +
                $"p50 {latencies[images / 2]:F1} ms, CPU {cpuMs:F1} ms/image " +
                $"(=> {1000 * Environment.ProcessorCount / cpuMs:F0} images/s " +
                $"on {Environment.ProcessorCount} free cores)");
        }
    }
}
