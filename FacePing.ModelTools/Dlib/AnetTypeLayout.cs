namespace FacePing.ModelTools.Dlib;

internal enum StepKind
{
    Tag,
    Skip,
    Con,
    Affine,
    Relu,
    MaxPool,
    AvgPool,
    AddPrev,
    Fc,
}

/// <summary>
/// One expected layer of the architecture. The file stores neither tag ids nor the difference between tag and skip
/// layers, so those come from here; the other fields are cross-checked against what the file holds.
/// Kernel 0 on a pool means "whole input" (dlib's avg_pool_everything).
/// </summary>
internal sealed record ArchStep(StepKind Kind, int Id = 0, int Filters = 0, int Kernel = 0, int Stride = 0)
{
    public bool Matches(DlibLayer layer) => (Kind, layer) switch
    {
        (StepKind.Tag or StepKind.Skip, DlibTagOrSkip) => true,
        (StepKind.Con, DlibCon c) => c.NumFilters == Filters && c.Rows == Kernel && c.Cols == Kernel
            && c.StrideY == Stride && c.StrideX == Stride,
        (StepKind.Affine, DlibAffine a) => a.ConvMode,
        (StepKind.Relu, DlibRelu) => true,
        (StepKind.MaxPool, DlibPool p) => p.IsMax && p.Rows == Kernel && p.Cols == Kernel
            && p.StrideY == Stride && p.StrideX == Stride,
        (StepKind.AvgPool, DlibPool p) => !p.IsMax && p.Rows == Kernel && p.Cols == Kernel
            && p.StrideY == Stride && p.StrideX == Stride,
        (StepKind.AddPrev, DlibAddPrev) => true,
        (StepKind.Fc, DlibFc f) => f.NumOutputs == Filters,
        _ => false,
    };

    public override string ToString() => Kind switch
    {
        StepKind.Tag or StepKind.Skip or StepKind.AddPrev => $"{Kind}{Id}",
        StepKind.Con => $"Con {Filters} {Kernel}x{Kernel}/{Stride}",
        StepKind.MaxPool or StepKind.AvgPool => $"{Kind} {Kernel}x{Kernel}/{Stride}",
        StepKind.Fc => $"Fc {Filters}",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// The layer sequence of <c>anet_type</c> from dlib's examples/dnn_face_recognition_ex.cpp, listed from input to
/// output (the reverse of how the C++ template nests):
/// <code>
/// residual      = add_prev1&lt;block&lt;N,1,tag1&lt;SUBNET&gt;&gt;&gt;
/// residual_down = add_prev2&lt;avg_pool&lt;2,2,2,2,
///                 skip1&lt;tag2&lt;block&lt;N,2,tag1&lt;SUBNET&gt;&gt;&gt;&gt;&gt;&gt;
/// block         = affine&lt;con&lt;N,3,3,1,1,relu&lt;affine&lt;con&lt;N,3,3,stride,stride,SUBNET&gt;&gt;&gt;&gt;&gt;
/// net = fc_no_bias&lt;128, avg_pool_everything&lt; 1×ares_down256, 2×ares256, ares_down256, 2×ares128,
///       ares_down128, 3×ares64, ares_down64, 3×ares32, max_pool&lt;3,3,2,2,
///       relu&lt;affine&lt;con&lt;32,7,7,2,2, input_rgb_image_sized&lt;150&gt;
/// </code>
/// </summary>
internal static class AnetTypeLayout
{
    public static IReadOnlyList<ArchStep> Steps { get; } = Build();

    private static List<ArchStep> Build()
    {
        var steps = new List<ArchStep>
        {
            new(StepKind.Con, Filters: 32, Kernel: 7, Stride: 2),
            new(StepKind.Affine),
            new(StepKind.Relu),
            new(StepKind.MaxPool, Kernel: 3, Stride: 2),
        };
        (int Filters, int Plain)[] levels = [(32, 3), (64, 3), (128, 2), (256, 2), (256, 0)];
        for (int level = 0; level < levels.Length; level++)
        {
            var (filters, plain) = levels[level];
            if (level > 0)
                AddResidualDown(steps, filters); // every level but the first starts by halving the resolution
            for (int i = 0; i < plain; i++)
                AddResidual(steps, filters);
        }
        steps.Add(new ArchStep(StepKind.AvgPool, Kernel: 0, Stride: 1));
        steps.Add(new ArchStep(StepKind.Fc, Filters: 128));
        return steps;
    }

    private static void AddBlock(List<ArchStep> steps, int filters, int stride)
    {
        steps.Add(new ArchStep(StepKind.Con, Filters: filters, Kernel: 3, Stride: stride));
        steps.Add(new ArchStep(StepKind.Affine));
        steps.Add(new ArchStep(StepKind.Relu));
        steps.Add(new ArchStep(StepKind.Con, Filters: filters, Kernel: 3, Stride: 1));
        steps.Add(new ArchStep(StepKind.Affine));
    }

    // ares = relu<residual<block, N, affine, SUBNET>>
    private static void AddResidual(List<ArchStep> steps, int filters)
    {
        steps.Add(new ArchStep(StepKind.Tag, Id: 1));
        AddBlock(steps, filters, 1);
        steps.Add(new ArchStep(StepKind.AddPrev, Id: 1));
        steps.Add(new ArchStep(StepKind.Relu));
    }

    // ares_down = relu<residual_down<block, N, affine, SUBNET>>
    private static void AddResidualDown(List<ArchStep> steps, int filters)
    {
        steps.Add(new ArchStep(StepKind.Tag, Id: 1));
        AddBlock(steps, filters, 2);
        steps.Add(new ArchStep(StepKind.Tag, Id: 2));
        steps.Add(new ArchStep(StepKind.Skip, Id: 1));
        steps.Add(new ArchStep(StepKind.AvgPool, Kernel: 2, Stride: 2));
        steps.Add(new ArchStep(StepKind.AddPrev, Id: 2));
        steps.Add(new ArchStep(StepKind.Relu));
    }
}
