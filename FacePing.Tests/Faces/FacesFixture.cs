using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using SkiaSharp;

namespace FacePing.Tests.Faces;

/// <summary>
/// The public Api and the Inference service as two real HTTP servers: Inference on Kestrel (a loopback port), the Api
/// finding it through <c>services:inference:http:0</c> exactly as under the AppHost, and a real Redis 8 behind the Api.
/// </summary>
public sealed class FacesFixture : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public InferenceAppFactory Inference { get; } = new();

    public ApiFactory Api { get; private set; } = null!;

    public int InferencePort { get; } = RedisServer.FreePort();

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Inference.UseKestrel(InferencePort);
        await Inference.StartAsync();
        Api = new ApiFactory(Redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = $"http://127.0.0.1:{InferencePort}",
        });
        await Api.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Inference.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>A labelled face of bald_guys.jpg cut out with a margin, as a JPEG of its own.</summary>
    public static byte[] Crop(string person, int index)
    {
        var label = FaceLabels.BaldGuys.Where(f => f.Person == person).ElementAt(index);
        using var photo = SKBitmap.Decode(RepoPaths.Face("bald_guys.jpg"));
        var w = label.X2 - label.X1;
        var h = label.Y2 - label.Y1;
        var rect = SKRectI.Round(new SKRect(
            Math.Max(0, label.X1 - w * 0.5f), Math.Max(0, label.Y1 - h * 0.5f),
            Math.Min(photo.Width, label.X2 + w * 0.5f), Math.Min(photo.Height, label.Y2 + h * 0.5f)));
        using var crop = new SKBitmap(rect.Width, rect.Height);
        photo.ExtractSubset(crop, rect);
        return TestImages.Encode(crop, SKEncodedImageFormat.Jpeg, 92);
    }
}

[CollectionDefinition(Name)]
public sealed class FacesCollection : ICollectionFixture<FacesFixture>
{
    public const string Name = "Faces";
}
