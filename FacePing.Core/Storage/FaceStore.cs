using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FacePing.Core.Storage.Scan;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// Groups and vectors of every tenant in Redis 8: an in-memory scan copy of the group (<see cref="ScanIndex"/>) or the
/// vector set's HNSW index finds candidates, exact cosine on the stored float32 vectors ranks them. All methods are
/// safe for concurrent use; register once (singleton). Without a <paramref name="scan"/> every search uses HNSW.
/// </summary>
public sealed partial class FaceStore(IConnectionMultiplexer redis, IOptions<VectorStoreOptions> options,
    TimeProvider clock, ScanIndex? scan = null, RedisDurability? durability = null)
{
    public static readonly ActivitySource Activity = new("FacePing.Store");

    private static readonly JsonSerializerOptions MetadataJson = new()
    {
        // Raw UTF-8 in the stored JSON: Lua's cjson must decode values to the same bytes C# uses for index keys.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // The vector is in one of two fields (VectorEncoding): float32 "vec" or half "vh".
    private static readonly RedisValue[] VectorFields =
        ["group", VectorEncoding.Float32Field, "meta", VectorEncoding.HalfField];
    private static readonly RedisValue[] MetaFields = ["group", "meta"];
    private static readonly RedisValue[] GroupFields = ["createdAt", "dims", "model"];

    private readonly VectorStoreOptions _options = options.Value;

    // Every write script goes through the durability policy (FacePing:Store:Durability).
    private readonly RedisDurability _writes = durability ?? new RedisDurability(redis, options);

    private IDatabase Db => redis.GetDatabase();

    internal static IReadOnlyDictionary<string, string> ParseMetadata(RedisValue json) =>
        json.IsNullOrEmpty
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>((string)json!, MetadataJson)
                ?? new Dictionary<string, string>();

    private static GroupInfo? ToGroup(string name, RedisValue[] fields, long count, long pending)
    {
        if (fields[0].IsNull) return null;
        var createdAt = DateTimeOffset.Parse((string)fields[0]!, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal);
        return new GroupInfo(name, createdAt, count,
            fields[1].IsNull ? null : (int)fields[1], fields[2].IsNull ? null : fields[2].ToString(), pending);
    }

    private static string[] Strings(RedisValue[] values)
    {
        var result = new string[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = values[i]!;
        return result;
    }

    internal static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
