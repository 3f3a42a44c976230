using System.Globalization;
using System.Text.RegularExpressions;

namespace FacePing.Benchmarks.Detection;

/// <summary>A labelled face: corner box in pixels; an invalid one counts neither as found nor as missed.</summary>
public sealed record TruthBox(float X1, float Y1, float X2, float Y2, bool Invalid)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
}

/// <summary>One photo of a detection set: its path relative to the images folder and its labelled faces.</summary>
public sealed record TruthPhoto(string Path, IReadOnlyList<TruthBox> Faces);

/// <summary>
/// Reads detection ground truth in the two formats of the public sets:
/// AFW (<c>faces.txt</c> with <c>filenames.txt</c> beside it: photos separated by <c>*</c>, one <c>[x1 y1;x2 y2]</c>
/// per face) and WIDER FACE's text (<c>wider_face_*_bbx_gt.txt</c>: a photo's path, its face count, then one line
/// <c>x y w h blur expression illumination invalid occlusion pose</c> per face; eng/bench-detection.sh writes it from
/// the <c>.mat</c> file). Boxes without area are invalid, like those the set marks so.
/// </summary>
public static partial class DetectionTruth
{
    public static IReadOnlyList<TruthPhoto> Read(string annotations)
    {
        var name = Path.GetFileName(annotations);
        return name.Equals("faces.txt", StringComparison.OrdinalIgnoreCase)
            ? ReadAfw(annotations)
            : ReadWider(annotations);
    }

    public static IReadOnlyList<TruthPhoto> ReadAfw(string facesFile)
    {
        var namesFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(facesFile))!, "filenames.txt");
        if (!File.Exists(namesFile))
            throw new FileNotFoundException($"AFW's filenames.txt must sit beside {facesFile}.", namesFile);
        // Both files may end with a separator.
        var names = File.ReadAllText(namesFile).TrimEnd().TrimEnd('*').Split('*', StringSplitOptions.TrimEntries);
        var groups = File.ReadAllText(facesFile).TrimEnd().TrimEnd('*').Split('*', StringSplitOptions.TrimEntries);
        if (names.Length != groups.Length)
        {
            throw new InvalidDataException(
                $"{facesFile}: {groups.Length} photos of boxes, but filenames.txt names {names.Length}.");
        }
        var photos = new List<TruthPhoto>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            var boxes = AfwBox().Matches(groups[i]).Select(m =>
            {
                var v = m.Groups.Cast<Group>().Skip(1).Select(g => float.Parse(g.Value, CultureInfo.InvariantCulture))
                    .ToArray();
                var (x1, x2) = (MathF.Min(v[0], v[2]), MathF.Max(v[0], v[2]));
                var (y1, y2) = (MathF.Min(v[1], v[3]), MathF.Max(v[1], v[3]));
                return new TruthBox(x1, y1, x2, y2, x2 <= x1 || y2 <= y1);
            }).ToList();
            photos.Add(new TruthPhoto(names[i], boxes));
        }
        return photos;
    }

    public static IReadOnlyList<TruthPhoto> ReadWider(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var photos = new List<TruthPhoto>();
        for (var i = 0; i < lines.Length;)
        {
            var file = lines[i++];
            if (i >= lines.Length || !int.TryParse(lines[i++], out var count))
                throw new InvalidDataException($"{path}: '{file}' is not followed by a face count.");
            var boxes = new List<TruthBox>(count);
            // A photo without faces still has one line of zeros.
            var rows = Math.Max(count, 1);
            for (var r = 0; r < rows; r++, i++)
            {
                if (i >= lines.Length) throw new InvalidDataException($"{path}: '{file}' is cut short.");
                if (count == 0) continue;
                var v = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                if (v.Length < 4) throw new InvalidDataException($"{path}: '{lines[i]}' is not 'x y w h ...'.");
                var invalid = (v.Length >= 8 && v[7] != 0) || v[2] <= 0 || v[3] <= 0;
                boxes.Add(new TruthBox(v[0], v[1], v[0] + v[2], v[1] + v[3], invalid));
            }
            photos.Add(new TruthPhoto(file, boxes));
        }
        return photos;
    }

    [GeneratedRegex(@"\[\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*;\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*\]")]
    private static partial Regex AfwBox();
}
