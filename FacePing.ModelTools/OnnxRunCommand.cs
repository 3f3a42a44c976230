using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace FacePing.ModelTools;

/// <summary>
/// <c>onnx-run</c>: feeds raw chips (S·S·3 bytes, interleaved RGB, row-major — the format the dlib and tfjs check
/// programs read) to the model's input <c>input</c> as raw 0–255 RGB planes [N,3,S,S] and prints each row of one
/// output as space-separated floats ("G9", enough digits to round-trip a float), so two runtimes' outputs can be
/// diffed as text. S is --size, else the model's fixed input size, else 150 (dlib's chips).
/// </summary>
internal static class OnnxRunCommand
{
    private const string InputName = "input";
    private const int DefaultSize = 150;

    public static int Run(string[] args)
    {
        string modelPath = args[0];
        int threads = 1, timedRuns = 0, size = 0;
        string outputName = "output";
        var chips = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads" when i + 1 < args.Length:
                    threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--time" when i + 1 < args.Length:
                    timedRuns = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--size" when i + 1 < args.Length:
                    size = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--output" when i + 1 < args.Length:
                    outputName = args[++i];
                    break;
                default:
                    chips.Add(args[i]);
                    break;
            }
        }
        if (chips.Count == 0)
            throw new ArgumentException("no chips given");

        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(modelPath, options);
        if (!session.InputMetadata.TryGetValue(InputName, out var input))
            throw new InvalidDataException($"{modelPath} has no input \"{InputName}\"");
        if (!session.OutputMetadata.ContainsKey(outputName))
            throw new ArgumentException($"{modelPath} has no output \"{outputName}\" " +
                $"(outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
        if (size <= 0)
            size = input.Dimensions is [_, _, > 0 and var h, _] ? h : DefaultSize;
        int chipFloats = 3 * size * size;

        float[] batch = new float[chips.Count * chipFloats];
        for (int n = 0; n < chips.Count; n++)
            ToPlanes(File.ReadAllBytes(chips[n]), chips[n], size, batch.AsSpan(n * chipFloats, chipFloats));

        float[] output = Infer(session, batch, chips.Count, size, outputName);
        int dims = output.Length / chips.Count;
        for (int n = 0; n < chips.Count; n++)
        {
            var row = output.AsSpan(n * dims, dims).ToArray();
            Console.WriteLine(string.Join(' ', row.Select(v => v.ToString("G9", CultureInfo.InvariantCulture))));
        }

        if (timedRuns > 0)
        {
            float[] one = batch[..chipFloats];
            for (int i = 0; i < 5; i++)
                Infer(session, one, 1, size, outputName); // warm-up: first runs allocate and pick kernels
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < timedRuns; i++)
                Infer(session, one, 1, size, outputName);
            watch.Stop();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"time: {watch.Elapsed.TotalMilliseconds / timedRuns:F2} ms/image " +
                $"(batch 1, intra-op threads {threads}, {timedRuns} runs)"));
        }
        return 0;
    }

    private static float[] Infer(InferenceSession session, float[] input, int count, int size, string outputName)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [count, 3, size, size]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [InputName], [tensor], [outputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static void ToPlanes(byte[] chip, string path, int size, Span<float> planes)
    {
        if (chip.Length != 3 * size * size)
            throw new InvalidDataException(
                $"{path}: {chip.Length} bytes, expected {3 * size * size} ({size}x{size} RGB)");
        int plane = size * size;
        for (int p = 0; p < plane; p++)
        {
            planes[p] = chip[3 * p];
            planes[plane + p] = chip[3 * p + 1];
            planes[2 * plane + p] = chip[3 * p + 2];
        }
    }
}
