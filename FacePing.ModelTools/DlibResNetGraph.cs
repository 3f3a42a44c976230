using FacePing.ModelTools.Dlib;
using FacePing.ModelTools.Onnx;

namespace FacePing.ModelTools;

/// <summary>
/// Turns a parsed dlib network plus its architecture layout into an ONNX graph that reproduces dlib's CPU forward
/// pass: input [N,3,H,W] raw 0–255 RGB planes → dlib input normalisation → layers → output [N,128] (not normalised).
/// Static shapes are tracked per value so residual sums with unequal sizes can be padded the way dlib pads them.
/// </summary>
internal static class DlibResNetGraph
{
    public const string InputName = "input";
    public const string OutputName = "output";

    private readonly record struct Shape(long C, long H, long W)
    {
        public override string ToString() => $"{C}x{H}x{W}";
    }

    public static OnnxGraph Build(DlibNetwork net, IReadOnlyList<ArchStep> layout, TextWriter log)
    {
        CheckLayout(net, layout);
        var input = net.Input;
        if (input.Rows <= 0 || input.Cols <= 0)
            throw new InvalidDataException("the input layer has no fixed size (input_rgb_image_sized expected)");

        var graph = new OnnxGraph("dlib_face_recognition_resnet");
        graph.Inputs.Add(new OnnxValueInfo(InputName, OnnxDataType.Float,
            [OnnxDim.Symbolic("N"), 3, input.Rows, input.Cols]));

        // dlib's input layer: plane 0 = red, 1 = green, 2 = blue; value = (pixel − channel mean) / 256.
        // Dividing by 256 is exact in binary floating point, so a Mul by 1/256 gives identical results.
        string x = graph.AddNode("Sub",
            [InputName,
                graph.AddInitializer("input_mean", [1, 3, 1, 1], [input.AvgRed, input.AvgGreen, input.AvgBlue])]);
        x = graph.AddNode("Mul", [x, graph.AddInitializer("input_scale", [], [1f / 256f])]);
        var shape = new Shape(3, input.Rows, input.Cols);
        var tags = new Dictionary<int, (string Value, Shape Shape)>();
        int convIndex = 0;

        for (int i = 0; i < layout.Count; i++)
        {
            var step = layout[i];
            var layer = net.Layers[i];
            switch (step.Kind)
            {
                case StepKind.Tag:
                    tags[step.Id] = (x, shape);
                    break;
                case StepKind.Skip:
                    (x, shape) = tags[step.Id];
                    break;
                case StepKind.Con:
                    // A conv-mode affine right after a conv folds exactly (up to float rounding) into its weights.
                    var affine =
                        i + 1 < layout.Count && net.Layers[i + 1] is DlibAffine { ConvMode: true, Disabled: false } a
                            ? a
                            : null;
                    (x, shape) = AddConv(graph, (DlibCon)layer, affine, x, shape, convIndex++);
                    log.WriteLine($"  conv{convIndex - 1,-2} {((DlibCon)layer).Describe()}" +
                        $"{(affine is null ? "" : " + folded " + affine.Version)} -> {shape}");
                    if (affine is not null)
                        i++;
                    break;
                case StepKind.Affine:
                    x = AddAffine(graph, (DlibAffine)layer, x, shape, i);
                    break;
                case StepKind.Relu:
                    x = graph.AddNode("Relu", [x]);
                    break;
                case StepKind.MaxPool or StepKind.AvgPool:
                    (x, shape) = AddPool(graph, (DlibPool)layer, x, shape);
                    log.WriteLine($"  pool    {layer.Describe()} -> {shape}");
                    break;
                case StepKind.AddPrev:
                    var (other, otherShape) = tags[step.Id];
                    (x, shape) = AddResidual(graph, x, shape, other, otherShape);
                    break;
                case StepKind.Fc:
                    x = AddFc(graph, (DlibFc)layer, x, shape);
                    shape = new Shape(((DlibFc)layer).NumOutputs, 1, 1);
                    log.WriteLine($"  fc      {layer.Describe()}");
                    break;
            }
        }

        // Rename the last value to the public output name.
        var last = graph.Nodes[^1];
        if (last.Outputs[0] != x || shape.H != 1 || shape.W != 1)
            throw new InvalidOperationException("the network must end in a node producing a flat vector");
        graph.Nodes[^1] = last with { Outputs = [OutputName] };
        graph.Outputs.Add(new OnnxValueInfo(OutputName, OnnxDataType.Float, [OnnxDim.Symbolic("N"), shape.C]));
        return graph;
    }

    private static void CheckLayout(DlibNetwork net, IReadOnlyList<ArchStep> layout)
    {
        if (net.Layers.Count != layout.Count)
            throw new InvalidDataException(
                $"the file holds {net.Layers.Count} layers, the layout expects {layout.Count}");
        for (int i = 0; i < layout.Count; i++)
        {
            if (!layout[i].Matches(net.Layers[i]))
                throw new InvalidDataException(
                    $"layer {i}: expected {layout[i]}, file holds {net.Layers[i].Describe()}");
        }
    }

    private static (string, Shape) AddConv(OnnxGraph graph, DlibCon con, DlibAffine? affine, string x, Shape shape,
        int index)
    {
        if (con.FilterShape.K != shape.C)
            throw new InvalidDataException($"conv{index} expects {con.FilterShape.K} input channels, gets {shape.C}");
        int filters = con.NumFilters;
        long perFilter = con.Filters.Length / filters;
        var weights = (float[])con.Filters.Clone();
        var bias = new float[filters];
        for (int o = 0; o < filters; o++)
        {
            float b = con.Biases?[o] ?? 0f;
            if (affine is null)
            {
                bias[o] = b;
                continue;
            }
            // affine(conv(x)) = g·(W∗x + b) + beta = (g·W)∗x + (g·b + beta)
            float g = affine.Gamma[o];
            for (long j = 0; j < perFilter; j++)
                weights[o * perFilter + j] *= g;
            bias[o] = g * b + affine.Beta[o];
        }

        string w = graph.AddInitializer($"conv{index}.weight",
            [filters, con.FilterShape.K, con.Rows, con.Cols], weights);
        string bName = graph.AddInitializer($"conv{index}.bias", [filters], bias);
        // dlib pads symmetrically with zeros; output = 1 + (in + 2·pad − kernel) / stride, as ONNX computes it.
        x = graph.AddNode("Conv", [x, w, bName],
        [
            OnnxAttribute.Of("kernel_shape", con.Rows, con.Cols),
            OnnxAttribute.Of("strides", con.StrideY, con.StrideX),
            OnnxAttribute.Of("pads", con.PadY, con.PadX, con.PadY, con.PadX),
        ]);
        var outShape = new Shape(filters,
            1 + (shape.H + 2 * con.PadY - con.Rows) / con.StrideY,
            1 + (shape.W + 2 * con.PadX - con.Cols) / con.StrideX);
        return (x, outShape);
    }

    private static string AddAffine(OnnxGraph graph, DlibAffine affine, string x, Shape shape, int index)
    {
        if (affine.Disabled)
            return x;
        if (affine.Gamma.Length != shape.C)
            throw new InvalidDataException(
                $"affine at {index} has {affine.Gamma.Length} channels, input has {shape.C}");
        string g = graph.AddInitializer($"affine{index}.gamma", [1, shape.C, 1, 1], affine.Gamma);
        string b = graph.AddInitializer($"affine{index}.beta", [1, shape.C, 1, 1], affine.Beta);
        return graph.AddNode("Add", [graph.AddNode("Mul", [x, g]), b]);
    }

    /// <summary>
    /// dlib places pooling window r at rows [r·stride − pad, r·stride − pad + size) — the same as ONNX — and clips
    /// it to the image: max ignores outside samples (ONNX pads max pooling with −inf) and the average divides by the
    /// in-image count (ONNX count_include_pad = 0). Window size 0 means the whole input.
    /// </summary>
    private static (string, Shape) AddPool(OnnxGraph graph, DlibPool pool, string x, Shape shape)
    {
        if (pool.Rows == 0 && pool.Cols == 0)
            return (graph.AddNode(pool.IsMax ? "GlobalMaxPool" : "GlobalAveragePool", [x]),
                shape with { H = 1, W = 1 });
        if (pool.Rows == 0 || pool.Cols == 0)
            throw new NotSupportedException("pooling over whole rows or columns only is not supported");

        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Of("kernel_shape", pool.Rows, pool.Cols),
            OnnxAttribute.Of("strides", pool.StrideY, pool.StrideX),
            OnnxAttribute.Of("pads", pool.PadY, pool.PadX, pool.PadY, pool.PadX),
        };
        if (!pool.IsMax)
            attributes.Add(OnnxAttribute.Of("count_include_pad", 0L));
        x = graph.AddNode(pool.IsMax ? "MaxPool" : "AveragePool", [x], [.. attributes]);
        var outShape = shape with
        {
            H = 1 + (shape.H + 2 * pool.PadY - pool.Rows) / pool.StrideY,
            W = 1 + (shape.W + 2 * pool.PadX - pool.Cols) / pool.StrideX,
        };
        return (x, outShape);
    }

    /// <summary>
    /// dlib's add_prev sums tensors of different sizes: the result takes the larger size in each dimension and a
    /// tensor that is smaller counts as zero beyond its bottom/right and its last channel. In this network every
    /// down-sampling residual relies on it: the pooled shortcut has half the channels of the block (32 vs 64, …),
    /// and at 8×8 → 3×3 and 3×3 → 1×1 the pooled shortcut (4×4, 2×2) is larger than the block output. Pad
    /// reproduces it.
    /// </summary>
    private static (string, Shape) AddResidual(OnnxGraph graph, string a, Shape aShape, string b, Shape bShape)
    {
        var outShape = new Shape(Math.Max(aShape.C, bShape.C), Math.Max(aShape.H, bShape.H),
            Math.Max(aShape.W, bShape.W));
        a = PadTo(graph, a, aShape, outShape);
        b = PadTo(graph, b, bShape, outShape);
        return (graph.AddNode("Add", [a, b]), outShape);
    }

    private static string PadTo(OnnxGraph graph, string x, Shape shape, Shape target)
    {
        if (shape == target)
            return x;
        // ONNX pads = [begin per axis (N,C,H,W), end per axis]; dlib's zero fill is at the end only.
        string pads = graph.AddInitializer($"pads_{graph.Nodes.Count}",
            [0, 0, 0, 0, 0, target.C - shape.C, target.H - shape.H, target.W - shape.W]);
        return graph.AddNode("Pad", [x, pads]);
    }

    private static string AddFc(OnnxGraph graph, DlibFc fc, string x, Shape shape)
    {
        // dlib flattens k, rows, cols in row-major order — what ONNX Flatten(axis = 1) does to NCHW.
        if (shape.C * shape.H * shape.W != fc.NumInputs)
            throw new InvalidDataException($"fc expects {fc.NumInputs} inputs, gets {shape}");
        x = graph.AddNode("Flatten", [x], [OnnxAttribute.Of("axis", 1L)]);
        string w = graph.AddInitializer("fc.weight", [fc.NumInputs, fc.NumOutputs], fc.Weights);
        x = graph.AddNode("MatMul", [x, w]);
        if (fc.Biases is not null)
            x = graph.AddNode("Add", [x, graph.AddInitializer("fc.bias", [fc.NumOutputs], fc.Biases)]);
        return x;
    }
}
