using System.Globalization;
using System.Text;

namespace FacePing.Tests.Security;

/// <summary>
/// Malformed request parts from a seeded <see cref="Random"/>: the same seed gives the same requests, so a failure
/// found once can be replayed by its index.
/// </summary>
internal sealed class FuzzInputs(Random random)
{
    private static readonly string[] Fields =
    [
        "vectorString", "metadata", "topK", "vectors", "id", "embedding1", "embedding2", "name", "tenantId",
        "Face1", "Face2", "image", "base64Image", "VECTORSTRING", "TopK", "", "__proto__", "$type",
    ];

    private static readonly string[] VectorStrings =
    [
        "1,2,3,4", "0.5,-0.5,0.25,1", "1,2,3", "1,2,3,4,5", "NaN,1,2,3", "1,Infinity,2,3", "-Infinity,0,0,1",
        "1e39,1,1,1", "1e-50,0,0,1", "0,0,0,0", " 1 , 2 ,3 ,4 ", "1;2;3;4", "1,,2,3", ",1,2,3", "1,2,3,", "١,٢,٣,٤",
        "1_0,2,3,4", "0x10,1,2,3", "1.5e,2,3,4", "+1,+2,+3,+4", "1 2 3 4", "", " ", "\u0000", "1,2,3,4\u0000",
        "１,２,３,４", "1e308,1e308,1e308,1e308", "-0,0,0,0", "3.4028236e38,1,1,1", "1.0000000000000000000000001,2,3,4",
        "nan,1,2,3", "∞,1,2,3",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-1", "1", "40", "41", "1e308", "-1e308", "2147483648", "-2147483649", "9223372036854775808", "1.5",
        "1e-400", "123456789012345678901234567890", "-0", "1E2", "0.1e1",
    ];

    private static readonly string[] Keys =
    [
        "tag", "", "a b", "source", "createdAt", "fileName", "jobId", "x:y", "k=v", "ü", "a.b-c_d", new string('k', 64),
        new string('k', 65), "{t:other}", "*", "\u0000", "\ud800",
    ];

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public bool Chance(double p) => random.NextDouble() < p;

    public int Next(int max) => random.Next(max);

    public string Group() => random.Next(10) switch
    {
        < 6 => "fuzz",
        6 => "missing-group",
        _ => Pick(["a", new string('g', 64), new string('g', 65), "..", "%2e%2e", "a%2Fb", "a%20b", "%C3%BC", "a:b",
            "{t:x}", "*", "%FF%FE", "a%3Fb", "-", "_", "."]),
    };

    public string Id() =>
        Pick(["fixed-1", "missing", "", "..%2F..", new string('i', 200), "%20", "a:b", "*", Guid.NewGuid().ToString()]);

    public string VectorString() => random.Next(12) switch
    {
        0 => string.Join(",",
            Enumerable.Range(0, random.Next(4090, 4100)).Select(i => (i % 7).ToString(CultureInfo.InvariantCulture))),
        1 => new string('9', random.Next(1, 5000)),
        2 => RandomText(random.Next(1, 100)),
        _ => Pick(VectorStrings),
    };

    public string RandomText(int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
            text.Append(random.Next(5) switch
            {
                0 => (char)random.Next(0x20, 0x7F),
                1 => (char)random.Next(0x80, 0xD7FF),
                2 => (char)random.Next(0xD800, 0xDFFF), // lone surrogates
                3 => (char)random.Next(0, 0x20),
                _ => (char)random.Next('0', '9' + 1),
            });
        return text.ToString();
    }

    public string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    /// <summary>Any JSON value, biased to the shapes this API reads.</summary>
    public string Value(int depth)
    {
        var kind = depth > 3 ? random.Next(5) : random.Next(9);
        return kind switch
        {
            0 => JsonString(VectorString()),
            1 => Pick(Numbers),
            2 => Pick(["true", "false", "null"]),
            3 => JsonString(Pick(["NaN", "Infinity", "-Infinity", "", "x", new string('v', 1025),
                "data:image/png;base64,", "////"])),
            4 => JsonString(RandomText(random.Next(0, 40))),
            5 => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(depth + 1))) + "]",
            6 => Metadata(depth + 1),
            7 => Object(depth + 1),
            _ => Nested(random.Next(2) == 0 ? random.Next(60, 70) : random.Next(100, 3000)),
        };
    }

    public string Metadata(int depth)
    {
        var count = random.Next(10) == 0 ? random.Next(30, 40) : random.Next(0, 4);
        var pairs = Enumerable.Range(0, count).Select(i =>
        {
            var key = count > 20 ? "k" + i : Pick(Keys);
            var value = random.Next(4) == 0 && depth < 4
                ? Value(depth + 1)
                : JsonString(random.Next(3) == 0 ? RandomText(random.Next(0, 30)) : "v" + i);
            return JsonString(key) + ":" + value;
        });
        return "{" + string.Join(",", pairs) + "}";
    }

    public string Object(int depth)
    {
        var pairs = Enumerable.Range(0, random.Next(0, 5))
            .Select(_ => JsonString(Pick(Fields)) + ":" + Value(depth + 1));
        return "{" + string.Join(",", pairs) + "}";
    }

    public static string Nested(int depth) => depth % 2 == 0
        ? new string('[', depth) + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    /// <summary>
    /// A body for an endpoint whose well-formed body is <paramref name="shape"/>: mutated, broken or replaced.
    /// </summary>
    public byte[] Body(Func<string> shape)
    {
        var json = random.Next(10) switch
        {
            0 => Value(0),
            1 => "",
            _ => shape(),
        };
        var bytes = Encoding.UTF8.GetBytes(json);
        switch (random.Next(12))
        {
            case 0 when bytes.Length > 1: return bytes[..random.Next(1, bytes.Length)]; // truncated
            case 1: // invalid UTF-8 somewhere
                var broken = bytes.ToList();
                broken.Insert(random.Next(broken.Count + 1), Pick(new byte[] { 0xFF, 0xC3, 0x80, 0xED, 0xF8 }));
                if (random.Next(2) == 0) broken.Insert(random.Next(broken.Count + 1), 0xA0);
                return broken.ToArray();
            case 2: return [0xEF, 0xBB, 0xBF, .. bytes]; // BOM
            case 3: return Encoding.UTF8.GetBytes(json.Replace("1", "NaN").Replace("\"v", "'v"));
            case 4: return Encoding.UTF8.GetBytes(json + (random.Next(2) == 0 ? "," : "}garbage"));
            case 5: return Encoding.Unicode.GetBytes(json);
            case 6:
                var noise = new byte[random.Next(1, 300)];
                random.NextBytes(noise);
                return noise;
            default: return bytes;
        }
    }

    public string Query()
    {
        var parts = Enumerable.Range(0, random.Next(0, 4)).Select(_ =>
        {
            var name = Pick(["topK", "limit", "after", "groupName", "metadata[tag]", "metadata[]", "metadata[source]",
                "metadata[a", "metadata[" + new string('k', 70) + "]", "metadata[%00]", "TOPK", "metadata[tag][x]"]);
            var value = Pick(["-1", "0", "1", "10", "41", "10001", "99999999999999999999", "abc", "1.5", "", "NaN",
                "%00", "1e3", "%FF", "fuzz", "a%26b%3Dc", new string('x', 2000), "%E2%80%AE"]);
            return name + "=" + value;
        });
        var query = string.Join("&", parts);
        return query.Length == 0 ? "" : "?" + query;
    }

    public string? ContentType() => random.Next(12) switch
    {
        0 => null,
        1 => "text/plain",
        2 => "application/json; charset=utf-16",
        3 => "multipart/form-data; boundary=zzz",
        4 => "application/x-www-form-urlencoded",
        5 => "application/json; charset=nope",
        6 => "application/merge-patch+json",
        _ => "application/json",
    };
}
