using BenchmarkDotNet.Attributes;
using FacePing.Core.Storage.Scan;

namespace FacePing.Benchmarks;

/// <summary>
/// The in-memory scan copy on its own (no Redis, no HTTP): one query over N random unit 512-d vectors, 50 candidates
/// (what a topK 10 search asks for). Run: dotnet run -c Release --project FacePing.Benchmarks -- --filter '*Scan*'
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ScanBenchmarks
{
    private GroupScan _scan = null!;
    private float[][] _queries = null!;
    private int _next;

    [Params(10_000, 100_000, 1_000_000)]
    public int Vectors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int dims = 512;
        var random = new Random(42);
        _scan = new GroupScan("bench", 0);
        _scan.Reserve(Vectors, dims);
        var batch = new List<(string, float[]?)>(Vectors);
        for (var i = 0; i < Vectors; i++) batch.Add(($"v{i:D7}", RandomVectors.Unit(random, dims)));
        _scan.Apply(batch, 0);
        _queries = [.. Enumerable.Range(0, 64).Select(_ => RandomVectors.Unit(random, dims))];
    }

    [Benchmark]
    public int Search() => _scan.Search(_queries[_next++ & 63], 50).Length;
}
