namespace FacePing.Tests.Infrastructure;

/// <summary>Where the repository, its provisioned tools and the shared fixtures are, wherever the tests run from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string RedisServer => Path.Combine(Root, ".cache", "redis", "bin", "redis-server");

    public static string Models => Environment.GetEnvironmentVariable("FACEPING_MODELS_DIR") ?? Path.Combine(Root, ".cache", "models");

    /// <summary>The labelled photos live in the steering repo's shared/ folder, beside the clone.</summary>
    public static string Faces => Environment.GetEnvironmentVariable("FACEPING_FIXTURES")
        ?? Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "faces"));

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
