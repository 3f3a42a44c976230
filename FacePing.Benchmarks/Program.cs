using BenchmarkDotNet.Running;

namespace FacePing.Benchmarks;

public static class BenchmarkEntry
{
    public static int Main(string[] args)
    {
        // "api": end-to-end figures against running services (eng/bench.sh); anything else goes to BenchmarkDotNet.
        if (args is ["api", .. var rest]) return ApiLoad.ApiLoadBench.Run(rest);
        if (args is ["million", .. var millionArgs]) return ApiLoad.MillionBench.Run(millionArgs);
        if (args is ["pipeline-speed", .. var speedArgs]) return Detection.PipelineSpeedBench.Run(speedArgs);
        if (args is ["detection", .. var detectionArgs]) return Detection.DetectionBench.Run(detectionArgs);
        if (args is ["accuracy", .. var accuracyArgs]) return Accuracy.LfwAccuracyBench.Run(accuracyArgs);
        if (args is ["cluster-lfw", .. var clusterArgs]) return Clustering.ClusterLfwBench.Run(clusterArgs);
        if (args is ["cluster-time", .. var timeArgs]) return Clustering.ClusterTimeBench.Run(timeArgs);
        if (args is ["store-load" or "store-upsert" or "store-search", ..]) return StoreLoad.StoreBench.Run(args);
        if (args.Length > 0 && args[0] == "--cpu-cost")
        {
            CpuCost.Run(args);
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
        return 0;
    }
}
