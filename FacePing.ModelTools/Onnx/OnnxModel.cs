namespace FacePing.ModelTools.Onnx;

/// <summary>ONNX TensorProto.DataType values used here.</summary>
internal enum OnnxDataType
{
    Float = 1,
    Int64 = 7,
}

/// <summary>A constant tensor (initializer). Exactly one of the value arrays is set.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, float[]? Floats = null, long[]? Int64s = null)
{
    public OnnxDataType DataType => Floats is not null ? OnnxDataType.Float : OnnxDataType.Int64;
}

/// <summary>A node attribute: an int, a list of ints or a float (all this converter needs).</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, long[]? Ints = null, float? Float = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, Int: value);

    public static OnnxAttribute Of(string name, params long[] values) => new(name, Ints: values);
}

internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs,
    OnnxAttribute[] Attributes);

/// <summary>
/// A graph input/output: name, element type and dims, where a dim is a fixed size or a symbolic name.
/// </summary>
internal sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, OnnxDim[] Dims);

internal readonly record struct OnnxDim(long Value, string? Param = null)
{
    public static OnnxDim Symbolic(string name) => new(0, name);

    public static implicit operator OnnxDim(long value) => new(value);
}

/// <summary>An ONNX graph under construction: nodes in topological order, initializers, inputs and outputs.</summary>
internal sealed class OnnxGraph(string name)
{
    private int _nextId;

    public string Name { get; } = name;

    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    public string AddInitializer(string name, long[] dims, float[] values)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
            throw new ArgumentException($"initializer {name}: dims give {count} values, got {values.Length}");
        Initializers.Add(new OnnxTensor(name, dims, Floats: values));
        return name;
    }

    public string AddInitializer(string name, long[] values)
    {
        Initializers.Add(new OnnxTensor(name, [values.Length], Int64s: values));
        return name;
    }

    /// <summary>Adds a node with one output and returns that output's name (given, or generated from the op).</summary>
    public string AddNode(string opType, string[] inputs, OnnxAttribute[]? attributes = null, string? output = null)
    {
        string nodeName = $"{opType.ToLowerInvariant()}_{_nextId++}";
        output ??= nodeName;
        Nodes.Add(new OnnxNode(opType, nodeName, inputs, [output], attributes ?? []));
        return output;
    }
}
