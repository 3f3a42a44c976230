using System.Text.Json;
using FacePing.Inference.Embedding;
using FacePing.Inference.Models;
using FacePing.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace FacePing.Tests.Inference;

/// <summary>
/// The ONNX model that set-up converts from dlib's face ResNet gives dlib's own descriptors: eng/dlib-check ran dlib
/// 19.24 on the chips in eng/dlib-check/chips and recorded them in reference.json (how: eng/dlib-check/README.md).
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class DlibConversionTests(PipelineFixture fixture)
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "eng", "dlib-check");

    public static TheoryData<string> Chips()
    {
        var data = new TheoryData<string>();
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
        foreach (var chip in reference.RootElement.GetProperty("chips").EnumerateArray())
            data.Add(chip.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Chips))]
    public void The_converted_model_reproduces_dlib_s_descriptor(string name)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
        var chip = reference.RootElement.GetProperty("chips")
            .EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var expected = chip.GetProperty("descriptor").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var model = fixture.Models.Embedders.Single(e =>
            e.Spec.File.StartsWith("dlib_", StringComparison.Ordinal)).Model;

        var actual = Run(model, Planes(Path.Combine(Folder, chip.GetProperty("png").GetString()!)));

        Assert.Equal(128, actual.Length);
        var worst = expected.Zip(actual, (e, a) => MathF.Abs(e - a)).Max();
        Assert.True(worst < 1e-4f, $"largest difference from dlib {worst}");
    }

    /// <summary>Raw 0–255 RGB planes of a 150×150 PNG, as the converted graph takes them.</summary>
    private static float[] Planes(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((150, 150), (bitmap.Width, bitmap.Height));
        var planes = new float[3 * 150 * 150];
        for (var y = 0; y < 150; y++)
        {
            for (var x = 0; x < 150; x++)
            {
                var p = bitmap.GetPixel(x, y);
                var i = y * 150 + x;
                (planes[i], planes[150 * 150 + i], planes[2 * 150 * 150 + i]) = (p.Red, p.Green, p.Blue);
            }
        }
        return planes;
    }

    private static float[] Run(OnnxModel model, float[] planes)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, planes.AsMemory(),
            [1, 3, 150, 150]);
        using var runOptions = new RunOptions();
        using var outputs = model.Session.Run(runOptions, [model.InputName], [input], model.OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
