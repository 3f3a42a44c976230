using FacePing.Tests.Faces;
using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using SkiaSharp;

namespace FacePing.Tests.Clients;

/// <summary>
/// A folder of event photos cut from bald_guys.jpg (24 faces: Statham, Diesel, Johnson, Willis × 6, each face a
/// different photo of its person) plus other fixtures: photos with Statham, photos without him, a photo without a
/// face. The selfie is Statham's first face, cut out on its own.
/// </summary>
public sealed class EventPhotos : IDisposable
{
    /// <summary>The whole group photo: all 24 faces.</summary>
    public const string Whole = "whole.jpg";

    /// <summary>x 0–760, y 300–1100: Statham's faces 3, 4, 5 and Diesel's 3, 4 (and part of a Willis).</summary>
    public const string TeamLeft = "team-left.jpg";

    /// <summary>x 800–1100, y 0–650: Statham's faces 1 and 2 only.</summary>
    public const string StathamTop = "statham-top.jpg";

    /// <summary>x 1040–end, y 0–660: Johnson's faces 0–2, no Statham.</summary>
    public const string JohnsonRight = "johnson-right.jpg";

    /// <summary>x 700–end, y 1160–end: Willis and Johnson, no Statham.</summary>
    public const string Bottom = "bottom.jpg";

    public const string Cruise = "Tom_Cruise_avp_2014_4.jpg";
    public const string NoFace = "dogs.jpg";

    /// <summary>The photos Statham is in.</summary>
    public static readonly string[] WithStatham = [StathamTop, TeamLeft, Whole];

    public string Path { get; } = Directory.CreateTempSubdirectory("faceping-event-").FullName;

    public static byte[] Selfie { get; } = FacesFixture.Crop("Statham", 0);

    public EventPhotos()
    {
        System.IO.File.Copy(RepoPaths.Face("bald_guys.jpg"), File(Whole));
        System.IO.File.Copy(RepoPaths.Face(Cruise), File(Cruise));
        System.IO.File.Copy(RepoPaths.Face(NoFace), File(NoFace));
        System.IO.File.WriteAllBytes(File(TeamLeft), Region(0, 300, 760, 1100));
        System.IO.File.WriteAllBytes(File(StathamTop), Region(800, 0, 1100, 650));
        System.IO.File.WriteAllBytes(File(JohnsonRight), Region(1040, 0, int.MaxValue, 660));
        System.IO.File.WriteAllBytes(File(Bottom), Region(700, 1160, int.MaxValue, int.MaxValue));
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A rectangle of bald_guys.jpg (clipped to the photo) as a JPEG of its own.</summary>
    public static byte[] Region(int x1, int y1, int x2, int y2)
    {
        using var photo = SKBitmap.Decode(RepoPaths.Face("bald_guys.jpg"));
        var rect = new SKRectI(x1, y1, Math.Min(x2, photo.Width), Math.Min(y2, photo.Height));
        using var crop = new SKBitmap(rect.Width, rect.Height);
        photo.ExtractSubset(crop, rect);
        return TestImages.Encode(crop, SKEncodedImageFormat.Jpeg, 92);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
