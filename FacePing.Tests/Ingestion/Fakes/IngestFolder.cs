using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Ingestion.Fakes;

/// <summary>
/// A folder as a customer would upload it: fixture photos with faces, one photo without a face, a text file
/// disguised as an image, a truncated JPEG, a file that is not an image by name, and a sub-folder (not processed).
/// </summary>
public sealed class IngestFolder : IDisposable
{
    public static readonly string[] FacePhotos = ["2007_007763.jpg", "2008_001009.jpg", "Tom_Cruise_avp_2014_4.jpg"];
    public const string NoFacePhoto = "dogs.jpg";
    public const string NotAnImage = "not-an-image.png";
    public const string Truncated = "truncated.jpg";
    public const string TextFile = "notes.txt";

    public string Path { get; } = Directory.CreateTempSubdirectory("faceping-ftp-").FullName;

    /// <summary>Image files by name (what the worker should try), in name order.</summary>
    public IReadOnlyList<string> ImageFiles { get; }

    public IngestFolder(bool withBadFiles = true)
    {
        foreach (var name in FacePhotos) File.Copy(RepoPaths.Face(name), System.IO.Path.Combine(Path, name));
        var images = new List<string>(FacePhotos);
        if (withBadFiles)
        {
            File.Copy(RepoPaths.Face(NoFacePhoto), System.IO.Path.Combine(Path, NoFacePhoto));
            File.WriteAllText(System.IO.Path.Combine(Path, NotAnImage), "this is plain text, not a PNG");
            var jpeg = File.ReadAllBytes(RepoPaths.Face(FacePhotos[0]));
            File.WriteAllBytes(System.IO.Path.Combine(Path, Truncated), jpeg[..400]);
            images.AddRange([NoFacePhoto, NotAnImage, Truncated]);
        }
        File.WriteAllText(System.IO.Path.Combine(Path, TextFile), "not an image by name: never processed");
        var sub = Directory.CreateDirectory(System.IO.Path.Combine(Path, "nested"));
        File.Copy(RepoPaths.Face(FacePhotos[1]), System.IO.Path.Combine(sub.FullName, "nested.jpg"));
        images.Sort(StringComparer.Ordinal);
        ImageFiles = images;
    }

    /// <summary>
    /// Adds <paramref name="copies"/> copies of each face photo under new names (a job long enough to interrupt) and
    /// returns the names of every face photo at the top of the folder.
    /// </summary>
    public IReadOnlyList<string> AddFaceCopies(int copies)
    {
        var names = new List<string>();
        for (var copy = 0; copy < copies; copy++)
        {
            foreach (var photo in FacePhotos)
            {
                var name = $"copy{copy}-{photo}";
                File.Copy(System.IO.Path.Combine(Path, photo), System.IO.Path.Combine(Path, name));
                names.Add(name);
            }
        }
        names.AddRange(FacePhotos);
        return names;
    }

    public byte[] Read(string name) => File.ReadAllBytes(System.IO.Path.Combine(Path, name));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
