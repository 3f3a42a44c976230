using StackExchange.Redis;

namespace FacePing.Tests.Security;

/// <summary>
/// Every key matching a pattern with its serialized value (DUMP), to prove a set of keys was not touched.
/// </summary>
internal static class RedisSnapshot
{
    public static async Task<SortedDictionary<string, string>> TakeAsync(IServer server, IDatabase db, string pattern)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000))
        {
            var dump = await db.KeyDumpAsync(key);
            if (dump is not null) result[key!] = Convert.ToBase64String(dump);
        }
        return result;
    }

    /// <summary>Keys added, removed or changed between two snapshots (empty when equal).</summary>
    public static IReadOnlyList<string> Diff(IReadOnlyDictionary<string, string> before,
        IReadOnlyDictionary<string, string> after) =>
        before.Keys.Union(after.Keys)
            .Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b)
            .Select(k => (before.ContainsKey(k), after.ContainsKey(k)) switch
            {
                (true, false) => "removed " + k,
                (false, true) => "added " + k,
                _ => "changed " + k,
            })
            .ToList();
}
