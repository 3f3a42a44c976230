namespace FacePing.ModelTools.Dlib;

/// <summary>
/// Reads a dlib DNN file written by <c>serialize(file) &lt;&lt; net</c> for a network ending in <c>loss_metric</c>.
/// <para>
/// Layout (dlib 19.x): the loss layer writes its version and details, then each wrapper writes its version and
/// recurses into its subnetwork <em>before</em> writing its own details. So the file holds: loss, the versions of all
/// wrappers from output to input, the input layer, then the layer details from input to output. Versions tell the
/// wrappers apart: 2 = <c>add_layer</c>, 3 (or 2) = the innermost <c>add_layer</c> over the input, 1 =
/// <c>add_tag_layer</c>/<c>add_skip_layer</c> (which write nothing else).
/// </para>
/// </summary>
internal static class DlibReader
{
    public static DlibNetwork Read(string path) => Read(File.ReadAllBytes(path));

    public static DlibNetwork Read(byte[] bytes)
    {
        var s = new DlibStream(bytes);
        Expect(s, s.ReadInt(), 1, "add_loss_layer version");
        var loss = ReadLoss(s);

        // Wrapper versions are small integers; the first value above 3 is the length of the input layer's name.
        var versions = new List<long>();
        while (true)
        {
            int at = s.Position;
            long v = s.ReadInt();
            if (v is < 1 or > 3)
            {
                s.Position = at;
                break;
            }
            versions.Add(v);
        }
        if (versions.Count == 0 || versions[^1] < 2)
            throw s.Error(s.Position, "expected the innermost add_layer (version 2 or 3) before the input layer");

        var input = ReadInput(s);
        var layers = new List<DlibLayer>(versions.Count);
        for (int i = versions.Count - 1; i >= 0; i--)
        {
            bool innermost = i == versions.Count - 1;
            long version = versions[i];
            if (!innermost && version == 1)
            {
                layers.Add(new DlibTagOrSkip());
                continue;
            }
            if (!innermost && version != 2)
                throw s.Error(s.Position, $"unexpected wrapper version {version}");
            layers.Add(ReadDetails(s));
            SkipTrainingState(s, innermost, version);
        }

        if (s.Position != s.Length)
            throw s.Error(s.Position, $"{s.Length - s.Position} trailing bytes");
        return new DlibNetwork(loss, input, layers);
    }

    /// <summary>
    /// After its details an add_layer stores training state we do not need: three flags and cached tensors
    /// (x_grad, cached_output, then params_grad — or grad_final plus a sample expansion factor for the innermost).
    /// </summary>
    private static void SkipTrainingState(DlibStream s, bool innermost, long version)
    {
        s.ReadBool(); // this_layer_setup_called
        s.ReadBool(); // gradient_input_is_stale
        s.ReadBool(); // get_output_and_gradient_input_disabled
        s.ReadTensor(); // x_grad
        s.ReadTensor(); // cached_output
        s.ReadTensor(); // params_grad, or grad_final for the innermost
        if (innermost && version == 3)
            s.ReadInt(); // _sample_expansion_factor
    }

    private static DlibLossMetric ReadLoss(DlibStream s)
    {
        string version = s.ReadString();
        return version switch
        {
            "loss_metric_2" => new DlibLossMetric(version, s.ReadFloat(), s.ReadFloat()),
            // The first version had these values hard-coded.
            "loss_metric_" => new DlibLossMetric(version, 0.1, 0.75),
            _ => throw s.Error(s.Position, $"unsupported loss layer '{version}' (only loss_metric is handled)"),
        };
    }

    private static DlibInputRgb ReadInput(DlibStream s)
    {
        string version = s.ReadString();
        if (version is not ("input_rgb_image" or "input_rgb_image_sized"))
            throw s.Error(s.Position, $"unsupported input layer '{version}'");
        float r = (float)s.ReadFloat(), g = (float)s.ReadFloat(), b = (float)s.ReadFloat();
        long rows = 0, cols = 0;
        if (version == "input_rgb_image_sized")
        {
            rows = s.ReadInt();
            cols = s.ReadInt();
        }
        return new DlibInputRgb(version, r, g, b, rows, cols);
    }

    private static DlibLayer ReadDetails(DlibStream s)
    {
        int at = s.Position;
        string version = s.ReadString();
        return version switch
        {
            "con_4" or "con_5" => ReadCon(s, version),
            "bn_con2" or "bn_fc2" => ReadBatchNormAsAffine(s, version),
            "affine_" or "affine_2" => ReadAffine(s, version),
            "relu_" => new DlibRelu(version),
            "add_prev_" => new DlibAddPrev(version),
            "max_pool_2" or "avg_pool_2" => new DlibPool(version, version == "max_pool_2",
                s.ReadInt32(), s.ReadInt32(), s.ReadInt32(), s.ReadInt32(), s.ReadInt32(), s.ReadInt32()),
            "fc_2" or "fc_3" => ReadFc(s, version),
            _ => throw s.Error(at, $"unsupported layer type '{version}'"),
        };
    }

    private static DlibCon ReadCon(DlibStream s, string version)
    {
        var parameters = s.ReadTensor();
        int numFilters = s.ReadInt32();
        int rows = s.ReadInt32(), cols = s.ReadInt32();
        int strideY = s.ReadInt32(), strideX = s.ReadInt32();
        int padY = s.ReadInt32(), padX = s.ReadInt32();
        var filterShape = s.ReadAliasShape();
        var biasShape = s.ReadAliasShape();
        for (int i = 0; i < 4; i++)
            s.ReadFloat(); // learning-rate and weight-decay multipliers
        // con_4 always had a bias; con_5 records whether it is used.
        bool useBias = version == "con_4" || s.ReadBool();

        long filterCount = filterShape.Size;
        if (filterShape.N != numFilters || filterShape.Nr != rows || filterShape.Nc != cols)
            throw s.Error(s.Position, $"con filter shape {filterShape} disagrees with {numFilters}x{rows}x{cols}");
        long expected = filterCount + (useBias ? biasShape.Size : 0);
        if (parameters.Values.Length < expected)
            throw s.Error(s.Position, $"con params hold {parameters.Values.Length} values, need {expected}");
        float[] filters = parameters.Values[..(int)filterCount];
        float[]? biases = useBias ? parameters.Values[(int)filterCount..(int)expected] : null;
        return new DlibCon(version, numFilters, rows, cols, strideY, strideX, padY, padX, filterShape, filters, biases);
    }

    private static DlibAffine ReadAffine(DlibStream s, string version)
    {
        var parameters = s.ReadTensor();
        var gammaShape = s.ReadAliasShape();
        s.ReadAliasShape(); // beta: same shape as gamma, stored right after it in params
        int mode = s.ReadInt32(); // dlib layer_mode: 0 = CONV_MODE, 1 = FC_MODE
        bool disabled = version == "affine_2" && s.ReadBool();
        int n = (int)gammaShape.Size;
        if (disabled)
            return new DlibAffine(version, mode == 0, [], [], true);
        if (parameters.Values.Length != 2 * n)
            throw s.Error(s.Position, $"affine params hold {parameters.Values.Length} values, need {2 * n}");
        return new DlibAffine(version, mode == 0, parameters.Values[..n], parameters.Values[n..], false);
    }

    /// <summary>
    /// A batch-norm record. For inference dlib turns it into an affine layer using the running statistics:
    /// gamma' = gamma / sqrt(running_var + eps), beta' = beta − gamma'·running_mean, computed in float as dlib does.
    /// </summary>
    private static DlibAffine ReadBatchNormAsAffine(DlibStream s, string version)
    {
        var parameters = s.ReadTensor();
        var gammaShape = s.ReadAliasShape();
        s.ReadAliasShape(); // beta
        s.ReadTensor(); // means of the last training batch
        s.ReadTensor(); // invstds of the last training batch
        var runningMeans = s.ReadTensor();
        var runningVariances = s.ReadTensor();
        s.ReadInt(); // num_updates
        s.ReadInt(); // running_stats_window_size
        for (int i = 0; i < 4; i++)
            s.ReadFloat(); // learning-rate and weight-decay multipliers
        float eps = (float)s.ReadFloat();

        int n = (int)gammaShape.Size;
        if (parameters.Values.Length != 2 * n || runningMeans.Values.Length != n || runningVariances.Values.Length != n)
            throw s.Error(s.Position, $"batch-norm sizes disagree (params {parameters.Values.Length}, channels {n})");
        var gamma = new float[n];
        var beta = new float[n];
        for (int i = 0; i < n; i++)
        {
            gamma[i] = parameters.Values[i] / MathF.Sqrt(runningVariances.Values[i] + eps);
            beta[i] = parameters.Values[n + i] - gamma[i] * runningMeans.Values[i];
        }
        return new DlibAffine(version, version == "bn_con2", gamma, beta, false);
    }

    private static DlibFc ReadFc(DlibStream s, string version)
    {
        int numOutputs = s.ReadInt32();
        int numInputs = s.ReadInt32();
        var parameters = s.ReadTensor();
        var weightShape = s.ReadAliasShape();
        var biasShape = s.ReadAliasShape();
        int biasMode = s.ReadInt32(); // 0 = FC_HAS_BIAS, 1 = FC_NO_BIAS
        for (int i = 0; i < 4; i++)
            s.ReadFloat(); // learning-rate and weight-decay multipliers
        bool storedUseBias = version != "fc_3" || s.ReadBool(); // fc_2 predates the use_bias flag
        bool useBias = biasMode == 0 && storedUseBias;

        if (weightShape.Size != (long)numInputs * numOutputs)
            throw s.Error(s.Position, $"fc weight shape {weightShape} disagrees with {numInputs}x{numOutputs}");
        int w = (int)weightShape.Size;
        if (parameters.Values.Length < w + (useBias ? biasShape.Size : 0))
            throw s.Error(s.Position, $"fc params hold {parameters.Values.Length} values, too few");
        float[] weights = parameters.Values[..w];
        float[]? biases = useBias ? parameters.Values[w..(w + (int)biasShape.Size)] : null;
        return new DlibFc(version, numOutputs, numInputs, weights, biases);
    }

    private static void Expect(DlibStream s, long actual, long expected, string what)
    {
        if (actual != expected)
            throw s.Error(s.Position, $"{what} is {actual}, expected {expected}");
    }
}
