using BenchmarkDotNet.Running;

namespace FacePing.Benchmarks;

public static class BenchmarkEntry
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
}
