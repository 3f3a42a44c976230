using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace FacePing.Inference.Models;

/// <summary>Runs a model on a pooled input buffer without copying it into a managed tensor.</summary>
internal static class TensorRunner
{
    // Shared read-only: Run needs a RunOptions instance, and nothing here ever sets one per call.
    private static readonly RunOptions Options = new();

    /// <summary>
    /// Runs <paramref name="model"/>; the caller reads the outputs (in the model's output order) and disposes them.
    /// </summary>
    public static IDisposableReadOnlyCollection<OrtValue> Run(OnnxModel model, float[] input, long[] shape)
    {
        DenormalFlush.OnThisThread();
        var length = 1L;
        foreach (var d in shape) length *= d;
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            input.AsMemory(0, (int)length), shape);
        return model.Session.Run(Options, [model.InputName], [value], model.OutputNames);
    }

    public static float[] Rent(int length) => ArrayPool<float>.Shared.Rent(length);

    public static void Return(float[] buffer) => ArrayPool<float>.Shared.Return(buffer);
}
