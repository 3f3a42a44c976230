using Microsoft.ML.OnnxRuntime;

namespace FacePing.Inference.Models;

/// <summary>One ONNX model loaded once and shared by every request (InferenceSession.Run is thread-safe).</summary>
public sealed class OnnxModel : IDisposable
{
    public OnnxModel(string path, Microsoft.ML.OnnxRuntime.SessionOptions options)
    {
        Path = path;
        Session = new InferenceSession(path, options);
        var input = Session.InputMetadata.First();
        InputName = input.Key;
        InputShape = input.Value.Dimensions;
        OutputNames = [.. Session.OutputMetadata.Keys];
        var output = Session.OutputMetadata.First().Value.Dimensions;
        OutputDimensions = output.Length > 0 ? output[^1] : 0;
    }

    /// <summary>Size of the first output's last axis (an embedding's length).</summary>
    public int OutputDimensions { get; }

    public string Path { get; }
    public string FileName => System.IO.Path.GetFileName(Path);
    public InferenceSession Session { get; }
    public string InputName { get; }

    /// <summary>Declared input shape; -1 marks a free (dynamic) dimension.</summary>
    public int[] InputShape { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Whether the first dimension is free, so several items can run in one call.</summary>
    public bool AcceptsBatch => InputShape.Length > 0 && InputShape[0] < 0;

    public string DescribeInput() =>
        $"{InputName}[{string.Join(',', InputShape.Select(d => d < 0 ? "N" : d.ToString()))}]";

    public void Dispose() => Session.Dispose();
}
