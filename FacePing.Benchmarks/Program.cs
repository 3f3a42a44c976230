using BenchmarkDotNet.Running;

namespace FacePing.Benchmarks;

public static class BenchmarkEntry
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--cpu-cost")
        {
            CpuCost.Run(args);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
    }
}
