namespace FacePing.AppHost;

/// <summary>
/// The shipped Redis configuration (deploy/redis/redis.conf) as redis-server arguments, so the local server, the
/// development container and the published container all run with the same settings.
/// </summary>
public static class RedisConfigFile
{
    public static string PathIn(string repositoryRoot) => Path.Combine(repositoryRoot, "deploy", "redis", "redis.conf");

    /// <summary>Each directive <c>name value…</c> becomes <c>--name value…</c>; <c>""</c> is an empty value.</summary>
    public static IReadOnlyList<string> Arguments(string path)
    {
        var args = new List<string>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            args.Add("--" + parts[0]);
            args.AddRange(parts.Skip(1).Select(p => p == "\"\"" ? "" : p));
        }
        return args;
    }

    /// <summary>
    /// The same arguments as one POSIX shell word list (for a container started through <c>sh -c</c>).
    /// </summary>
    public static string ShellWords(IEnumerable<string> args) =>
        string.Join(' ', args.Select(a =>
            a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
                ? a
                : "'" + a.Replace("'", "'\\''") + "'"));
}
