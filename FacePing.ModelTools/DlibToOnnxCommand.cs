using System.Security.Cryptography;
using FacePing.ModelTools.Dlib;
using FacePing.ModelTools.Onnx;

namespace FacePing.ModelTools;

/// <summary><c>dlib-to-onnx</c>: parse the dlib file, check it against anet_type, write the ONNX model.</summary>
internal static class DlibToOnnxCommand
{
    public static int Run(string inputPath, string outputPath, TextWriter log)
    {
        var net = DlibReader.Read(inputPath);
        log.WriteLine($"read {inputPath}: {net.Layers.Count} layers between input and loss");
        log.WriteLine($"  loss    {net.Loss.Describe()}");
        log.WriteLine($"  input   {net.Input.Describe()}");
        var kinds = net.Layers.GroupBy(l => l.Version).Select(g => $"{g.Key}×{g.Count()}");
        log.WriteLine($"  layer records: {string.Join(", ", kinds)}");

        var graph = DlibResNetGraph.Build(net, AnetTypeLayout.Steps, log);
        byte[] model = OnnxWriter.Serialize(graph, "FacePing.ModelTools",
            $"dlib face recognition ResNet converted from {Path.GetFileName(inputPath)}. " +
            $"Input: [N,3,{net.Input.Rows},{net.Input.Cols}] RGB planes, raw 0-255 values " +
            "(dlib's mean subtraction and /256 are in the graph). Output: [N,128] descriptor, not normalised.");
        string? directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        File.WriteAllBytes(outputPath, model);
        log.WriteLine($"wrote {outputPath}: {model.Length} bytes, {graph.Nodes.Count} nodes, " +
            $"{graph.Initializers.Count} initializers, sha256 {Convert.ToHexStringLower(SHA256.HashData(model))}");
        return 0;
    }
}
