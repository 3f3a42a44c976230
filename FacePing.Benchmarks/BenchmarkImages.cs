using SkiaSharp;

namespace FacePing.Benchmarks;

/// <summary>
/// Benchmark inputs: the repository's fixture photos, and a 640×480 single-face image made from one of them.
/// </summary>
public static class BenchmarkImages
{
    public static string Root { get; } = FindRoot();

    public static string Faces => Path.Combine(Root, "fixtures", "faces");

    public static string Models =>
        Environment.GetEnvironmentVariable("FACEPING_MODELS_DIR") ?? Path.Combine(Root, ".cache", "models");

    public static byte[] Load(string name) => name switch
    {
        SingleFace => SingleFace640x480(),
        _ => File.ReadAllBytes(Path.Combine(Faces, name)),
    };

    public const string SingleFace = "single-640x480.jpg";
    public const string Group = "bald_guys.jpg";

    /// <summary>Tom Cruise scaled to 480 pixels high, centred on a 640×480 grey canvas, JPEG quality 90.</summary>
    private static byte[] SingleFace640x480()
    {
        using var source = SKBitmap.Decode(Path.Combine(Faces, "Tom_Cruise_avp_2014_4.jpg"));
        using var surface = SKSurface.Create(new SKImageInfo(640, 480));
        surface.Canvas.Clear(new SKColor(120, 120, 120));
        var width = source.Width * 480f / source.Height;
        using var image = SKImage.FromBitmap(source);
        surface.Canvas.DrawImage(image, SKRect.Create((640 - width) / 2, 0, width, 480),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FacePing.sln"))) return dir.FullName;
        }
        // BenchmarkDotNet runs a generated copy of the project; fall back to the working directory.
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FacePing.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("FacePing.sln not found");
    }
}
