namespace FacePing.Tests.Infrastructure;

/// <summary>
/// Where the repository, its provisioned tools and the face fixtures are, wherever the tests run from.
/// </summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string RedisServer => Path.Combine(Root, ".cache", "redis", "bin", "redis-server");

    public static string Models =>
        Environment.GetEnvironmentVariable("FACEPING_MODELS_DIR") ?? Path.Combine(Root, ".cache", "models");

    /// <summary>
    /// The labelled photos, in the repository (<c>fixtures/faces</c>, origin and licence in its README).
    /// </summary>
    public static string Faces { get; } = Path.Combine(Root, "fixtures", "faces");

    public static string Face(string fileName) => Path.Combine(Faces, fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FacePing.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("FacePing.sln not found above " + AppContext.BaseDirectory);
    }
}
