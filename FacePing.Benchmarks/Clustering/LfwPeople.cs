namespace FacePing.Benchmarks.Clustering;

/// <summary>
/// The photos of the LFW people with at least a given number of photos (one folder per person: Name/Name_0001.jpg).
/// </summary>
public static class LfwPeople
{
    /// <summary>Relative paths ("Name/Name_0001.jpg"), ordered by person then file name.</summary>
    public static IReadOnlyList<string> Photos(string lfwFolder, int minPhotos)
    {
        var result = new List<string>();
        foreach (var person in Directory.EnumerateDirectories(lfwFolder).Order(StringComparer.Ordinal))
        {
            var files = Directory.EnumerateFiles(person, "*.jpg").Select(Path.GetFileName).Order(StringComparer.Ordinal)
                .ToArray();
            if (files.Length < minPhotos) continue;
            var name = Path.GetFileName(person);
            result.AddRange(files.Select(f => name + "/" + f));
        }
        return result;
    }

    /// <summary>The person of a relative path: its folder.</summary>
    public static string Person(string path) => path[..path.IndexOf('/')];
}
