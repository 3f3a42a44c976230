using FacePing.ModelTools;

// Offline model tools. Usage errors exit with 2, failures with 1.
const string Usage = """
    usage:
      dlib-to-onnx <in.dat> <out.onnx>
          convert dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1.dat) to ONNX
      onnx-run <model.onnx> [--threads N] [--time RUNS] [--size S] [--output NAME] <chip.rgb>...
          run the model (input "input" [N,3,S,S]) on raw SxS interleaved-RGB chips (S: --size, else the model's
          input size, else 150) in one batch and print output NAME (default "output") as one row per chip;
          --time also measures batch-1 latency over RUNS runs (reported on stderr)
    """;

try
{
    return args switch
    {
        ["dlib-to-onnx", var input, var output] => DlibToOnnxCommand.Run(input, output, Console.Out),
        ["onnx-run", .. var rest] when rest.Length >= 2 => OnnxRunCommand.Run(rest),
        _ => Fail(Usage),
    };
}
catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
