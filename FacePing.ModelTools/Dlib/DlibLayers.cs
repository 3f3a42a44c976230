namespace FacePing.ModelTools.Dlib;

/// <summary>
/// One entry of a dlib network, innermost (input side) first. <see cref="Version"/> is dlib's type tag string.
/// </summary>
internal abstract record DlibLayer(string Version)
{
    /// <summary>One-line human description for the conversion log.</summary>
    public abstract string Describe();
}

/// <summary>
/// <c>add_tag_layer</c> or <c>add_skip_layer</c>. On disk both are just "version 1" with no payload and no tag id,
/// so the file alone cannot tell them apart: the architecture template supplies the meaning.
/// </summary>
internal sealed record DlibTagOrSkip() : DlibLayer("tag/skip")
{
    public override string Describe() => "tag or skip (no payload)";
}

/// <summary><c>input_rgb_image[_sized]</c>: per-channel means subtracted before dividing by 256.</summary>
internal sealed record DlibInputRgb(string Version, float AvgRed, float AvgGreen, float AvgBlue, long Rows, long Cols)
    : DlibLayer(Version)
{
    public override string Describe() => $"{Version} mean(R,G,B)=({AvgRed}, {AvgGreen}, {AvgBlue}) size={Rows}x{Cols}";
}

/// <summary><c>con_</c>: filters are [filters, k, rows, cols] (same order as ONNX OIHW); bias is per filter.</summary>
internal sealed record DlibCon(
    string Version, int NumFilters, int Rows, int Cols, int StrideY, int StrideX, int PadY, int PadX,
    DlibShape FilterShape, float[] Filters, float[]? Biases) : DlibLayer(Version)
{
    public override string Describe() =>
        $"{Version} filters={FilterShape} stride={StrideY}x{StrideX} pad={PadY}x{PadX} " +
            $"bias={(Biases is null ? "no" : Biases.Length.ToString())}";
}

/// <summary>
/// Per-channel y = x·gamma + beta in conv mode. Either an <c>affine_</c> record or a <c>bn_con2</c> record that was
/// frozen on load with its running statistics, as dlib does when reading bn into affine.
/// </summary>
internal sealed record DlibAffine(string Version, bool ConvMode, float[] Gamma, float[] Beta, bool Disabled)
    : DlibLayer(Version)
{
    public override string Describe() =>
        $"{Version} {(ConvMode ? "conv" : "fc")} mode, {Gamma.Length} channels{(Disabled ? " (disabled)" : "")}";
}

internal sealed record DlibRelu(string Version) : DlibLayer(Version)
{
    public override string Describe() => Version;
}

/// <summary><c>add_prev_</c>: element-wise sum with a tagged earlier output; the tag id is not stored.</summary>
internal sealed record DlibAddPrev(string Version) : DlibLayer(Version)
{
    public override string Describe() => Version;
}

/// <summary><c>max_pool_</c> / <c>avg_pool_</c>. Rows = Cols = 0 means "pool over the whole input".</summary>
internal sealed record DlibPool(string Version, bool IsMax, int Rows, int Cols, int StrideY, int StrideX, int PadY,
    int PadX)
    : DlibLayer(Version)
{
    public override string Describe() =>
        $"{Version} window={Rows}x{Cols}{(Rows == 0 ? " (everything)" : "")} stride={StrideY}x{StrideX} " +
            $"pad={PadY}x{PadX}";
}

/// <summary><c>fc_</c>: weights are [inputs, outputs] row-major, i.e. y = x·W.</summary>
internal sealed record DlibFc(string Version, int NumOutputs, int NumInputs, float[] Weights, float[]? Biases)
    : DlibLayer(Version)
{
    public override string Describe() =>
        $"{Version} {NumInputs} -> {NumOutputs} bias={(Biases is null ? "no" : "yes")}";
}

internal sealed record DlibLossMetric(string Version, double Margin, double DistanceThreshold)
{
    public string Describe() => $"{Version} margin={Margin} distance_threshold={DistanceThreshold}";
}

/// <summary>A parsed network: loss, input layer and the layers between them from input to output.</summary>
internal sealed record DlibNetwork(DlibLossMetric Loss, DlibInputRgb Input, IReadOnlyList<DlibLayer> Layers);
