using System.Runtime.InteropServices;

namespace FacePing.ModelTools.Onnx;

/// <summary>
/// Serialises an <see cref="OnnxGraph"/> as an ONNX ModelProto. Field numbers are from onnx/onnx.proto (IR version 8).
/// ONNX's proto is proto2, so repeated scalars are written unpacked; weights go in raw_data as little-endian bytes.
/// </summary>
internal static class OnnxWriter
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 13;

    public static byte[] Serialize(OnnxGraph graph, string producerName, string docString)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("raw_data must be little endian; this writer copies memory as is");

        var model = new ProtoWriter();
        model.WriteInt64(1, IrVersion);                   // ModelProto.ir_version
        model.WriteString(2, producerName);               // producer_name
        model.WriteString(3, "1.0");                      // producer_version
        model.WriteInt64(5, 1);                           // model_version
        model.WriteString(6, docString);                  // doc_string
        model.WriteMessage(7, g => WriteGraph(g, graph)); // graph
        model.WriteMessage(8, o =>                        // opset_import: default domain ""
        {
            o.WriteString(1, "");
            o.WriteInt64(2, OpsetVersion);
        });
        return model.ToArray();
    }

    private static void WriteGraph(ProtoWriter w, OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
            w.WriteMessage(1, n => WriteNode(n, node));       // GraphProto.node
        w.WriteString(2, graph.Name);                          // name
        foreach (var tensor in graph.Initializers)
            w.WriteMessage(5, t => WriteTensor(t, tensor));   // initializer
        foreach (var input in graph.Inputs)
            w.WriteMessage(11, v => WriteValueInfo(v, input)); // input
        foreach (var output in graph.Outputs)
            w.WriteMessage(12, v => WriteValueInfo(v, output)); // output
    }

    private static void WriteNode(ProtoWriter w, OnnxNode node)
    {
        foreach (string input in node.Inputs)
            w.WriteString(1, input);  // NodeProto.input
        foreach (string output in node.Outputs)
            w.WriteString(2, output); // output
        w.WriteString(3, node.Name);  // name
        w.WriteString(4, node.OpType); // op_type
        foreach (var attribute in node.Attributes)
            w.WriteMessage(5, a => WriteAttribute(a, attribute)); // attribute
    }

    // AttributeProto.AttributeType: FLOAT = 1, INT = 2, INTS = 7.
    private static void WriteAttribute(ProtoWriter w, OnnxAttribute attribute)
    {
        w.WriteString(1, attribute.Name); // AttributeProto.name
        if (attribute.Float is float f)
        {
            w.WriteFloat(2, f);   // f
            w.WriteInt64(20, 1);  // type = FLOAT
        }
        else if (attribute.Int is long i)
        {
            w.WriteInt64(3, i);   // i
            w.WriteInt64(20, 2);  // type = INT
        }
        else if (attribute.Ints is long[] ints)
        {
            foreach (long v in ints)
                w.WriteInt64(8, v); // ints
            w.WriteInt64(20, 7);    // type = INTS
        }
        else
        {
            throw new InvalidOperationException($"attribute {attribute.Name} has no value");
        }
    }

    private static void WriteTensor(ProtoWriter w, OnnxTensor tensor)
    {
        foreach (long dim in tensor.Dims)
            w.WriteInt64(1, dim);                      // TensorProto.dims
        w.WriteInt64(2, (long)tensor.DataType);        // data_type
        w.WriteString(8, tensor.Name);                 // name
        ReadOnlySpan<byte> raw = tensor.Floats is not null
            ? MemoryMarshal.AsBytes(tensor.Floats.AsSpan())
            : MemoryMarshal.AsBytes(tensor.Int64s.AsSpan());
        w.WriteBytes(9, raw);                          // raw_data
    }

    private static void WriteValueInfo(ProtoWriter w, OnnxValueInfo info)
    {
        w.WriteString(1, info.Name);                    // ValueInfoProto.name
        w.WriteMessage(2, type =>                       // type: TypeProto
            type.WriteMessage(1, tensor =>              // tensor_type: TypeProto.Tensor
            {
                tensor.WriteInt64(1, (long)info.ElementType); // elem_type
                tensor.WriteMessage(2, shape =>         // shape: TensorShapeProto
                {
                    foreach (var dim in info.Dims)
                        shape.WriteMessage(1, d =>      // dim: Dimension
                        {
                            if (dim.Param is string param)
                                d.WriteString(2, param); // dim_param
                            else
                                d.WriteInt64(1, dim.Value); // dim_value
                        });
                });
            }));
    }
}
