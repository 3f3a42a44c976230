using System.Net;
using System.Text;
using System.Text.Json;
using FacePing.Tests.Api;
using FacePing.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FacePing.Tests.Security;

/// <summary>
/// The number and string-encoding family of the fuzz tests (issue 20 items 1 and 2): every hostile number (huge, tiny,
/// NaN and infinity spellings, -0, long exponents, hundreds of digits) and every hostile string encoding (unpaired
/// UTF-16 escapes, overlong and out-of-range UTF-8, surrogates encoded in UTF-8, NUL, BOMs, bidi overrides) in every
/// place each JSON-reading endpoint takes a number or a string, with and without a UTF-8 BOM before the body. Not
/// random: every combination is sent. Each answer is a 2xx with a body that is valid JSON, or a 4xx problem+json;
/// never a 5xx. The group's search still answers finite scores afterwards.
/// </summary>
public sealed class EncodingFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private ApiFactory _api = null!;
    private TenantKey _tenant = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _api = new ApiFactory(_redis.ConnectionString, new Dictionary<string, string?>
        {
            ["FacePing:RateLimit:Enabled"] = "false",
        });
        _tenant = await _api.CreateTenantAsync("encoding-fuzz");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _api.DisposeAsync();
        }
        finally
        {
            await _redis.DisposeAsync();
        }
    }

    /// <summary>What goes between the quotes of a JSON string: escapes as written, and raw bytes.</summary>
    private static readonly byte[][] Strings =
    [
        .. new[]
        {
            @"\ud800", @"\udfff", @"\udc00\ud800", @"\ud800A", @"a\ud83d", @"\ud83d\ude00", @"\u0000", @"a\u0000b",
            @"\ufeff", @"\u202egnp.exe", @"\u2066x\u2069", @"\u200b", @"\u0085", @"\uffff", @"\ufffe",
            @"\u001b[2J", @"\t\n\r", @"\/\\\""", @"\u00e9\u0301", @"\uD800\uDC00", @"\x41", @"\u12", "",
        }.Select(Encoding.ASCII.GetBytes),
        [0xC0, 0xAF], // overlong '/'
        [0xC1, 0xBF],
        [0xE0, 0x80, 0xAF],
        [0xF0, 0x80, 0x80, 0xAF],
        [0xED, 0xA0, 0x80], // a surrogate encoded in UTF-8 (CESU-8)
        [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], // beyond U+10FFFF
        [0xF8, 0x88, 0x80, 0x80, 0x80], // five-byte form
        [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80],
        [0x80], // stray continuation byte
        [0xE2, 0x82], // truncated sequence
        [0xFE],
        [0xFF],
        [0x61, 0x00, 0x62], // raw NUL
        [0x1F], // raw control character
        [0xEF, 0xBB, 0xBF], // BOM inside a string
        [0xE2, 0x80, 0xAE, 0x61], // raw right-to-left override
        [0xF0, 0x9F, 0x98, 0x80], // a valid astral character
    ];

    /// <summary>JSON number tokens, and tokens a lenient parser might take for numbers.</summary>
    private static readonly string[] Numbers =
    [
        "1e309", "-1e309", "1e-400", "4.9e-324", "5e-324", "1.7976931348623157e308", "1.7976931348623159e308",
        "3.4028235e38", "3.4028236e38", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "-0", "-0.0", "0e999999999", "1E+2", "1e+0000000000000000000001",
        "123456789012345678901234567890123456789", "0." + new string('0', 400) + "1", new string('9', 400),
        "NaN", "-NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "1e", "0x10", "1_000", "\"NaN\"",
        "\"Infinity\"", "\"1e309\"", "\"-0\"", "true", "null", "0.5", "3",
    ];

    /// <summary>Texts of one vector value (inside a vector string).</summary>
    private static readonly string[] VectorValues =
    [
        "1e309", "-1e309", "1e-400", "4.9e-324", "1.4e-45", "1e-45", "1e-30", "3.4028235e38", "3.4028236e38", "3e38",
        "-3e38", "2e19", "1.8e19", "1e16", "-1e16", "1.0000001e16", "-0", "0e999999999", "1e+0000001",
        "123456789012345678901234567890", "0." + new string('0', 60) + "1", new string('9', 400), "NaN", "-NaN",
        "nan", "Infinity", "-Infinity", "+Infinity", "inf", "∞", "1e", "0x1p3", "1_000", "١٢", "１", "1,5", "0.5",
    ];

    private sealed record Template(string Path, string Json, bool Admin = false);

    // {S}: a string's inside; {N}: a number token; {V}: a vector value's text.
    private static readonly Template[] Templates =
    [
        new("/groups/fz/vector", """{"vectorString":"1,2","metadata":{"tag":"{S}"}}"""),
        new("/groups/fz/vector", """{"vectorString":"1,2","metadata":{"{S}":"v"}}"""),
        new("/groups/fz/vector", """{"vectorString":"{S}"}"""),
        new("/groups/fz/vectors/upsert",
            """{"vectors":[{"id":"{S}","vectorString":"1,2","metadata":{"{S}":"{S}"}}]}"""),
        new("/groups/fz/vectors/search", """{"vectorString":"1,2","metadata":{"{S}":"{S}"}}"""),
        new("/vectors/search", """{"metadata":{"tag":"{S}"}}"""),
        new("/vectors/compare", """{"embedding1":"{S}","embedding2":"1,2"}"""),
        // '!' is never base64, so no image reaches the (absent) Inference service: the JSON reading is what is tested.
        new("/faces/compare", """{"Face1":"!{S}","Face2":"!"}"""),
        new("/groups/fz/face/base64", """{"base64Image":"!{S}","metadata":{"{S}":"v"}}"""),
        new("/groups/fz/process-drive-folder", """{"folderId":"{S}","serviceAccountKey":{"type":"{S}"}}"""),
        new("/groups/fz/process-drive-folder", """{"folderId":"abc","serviceAccountKey":"{S}"}"""),
        new("/groups/fz/process-ftp-folder",
            """{"host":"ftp.example.com","username":"{S}","password":"{S}","folderPath":"/{S}"}"""),
        new("/groups/fz/process-ftp-folder",
            """{"host":"ftp.example.com","username":"u","notificationEmailAddress":"{S}@example.com"}"""),
        new("/groups/fz/cluster", """{"writeMetadataKey":"{S}"}"""),
        new("/admin/keys", """{"name":"{S}"}""", Admin: true),

        new("/groups/fz/vectors/search", """{"vectorString":"1,2","topK":{N}}"""),
        new("/groups/fz/vector", """{"vectorString":"1,2","metadata":{"n":{N}}}"""),
        new("/vectors/search", """{"metadata":{"n":{N}}}"""),
        new("/groups/fz/process-ftp-folder", """{"host":"ftp.example.com","username":"u","port":{N}}"""),
        new("/groups/fz/process-ftp-folder", """{"host":"ftp.example.com","username":"u","minQuality":{N}}"""),
        new("/groups/fz/cluster", """{"threshold":{N},"minClusterSize":{N}}"""),
        new("/groups/fz/face/base64", """{"base64Image":"!","minQuality":{N}}"""),
        new("/groups/fz/process-drive-folder", """{"folderId":"abc","serviceAccountKey":{N},"minQuality":{N}}"""),
        new("/admin/keys", """{"name":"n","tenantId":{N}}""", Admin: true),

        new("/vectors/compare", """{"embedding1":"{V},1","embedding2":"1,{V}"}"""),
        new("/vectors/compare", """{"embedding1":"{V},{V}","embedding2":"{V},{V}"}"""),
        new("/groups/fz/vector", """{"vectorString":"{V},1"}"""),
        new("/groups/fz/vector", """{"vectorString":"{V},{V}"}"""),
        new("/groups/fz/vectors/search", """{"vectorString":"{V},1","topK":40}"""),
        new("/groups/fz/vectors/upsert", """{"vectors":[{"vectorString":"1,{V}"}]}"""),
    ];

    private static IEnumerable<(Template Template, byte[] Body)> Requests()
    {
        foreach (var template in Templates)
        {
            IEnumerable<byte[]> fills = template.Json.Contains("{S}")
                ? Strings.Select(s => Fill(template.Json, "{S}", s))
                : template.Json.Contains("{N}")
                    ? Numbers.Select(n => Fill(template.Json, "{N}", Encoding.UTF8.GetBytes(n)))
                    : VectorValues.Select(v => Fill(template.Json, "{V}", Encoding.UTF8.GetBytes(v)));
            foreach (var body in fills)
            {
                yield return (template, body);
                yield return (template, [0xEF, 0xBB, 0xBF, .. body]); // a UTF-8 BOM before the body
            }
        }
    }

    private static byte[] Fill(string json, string placeholder, byte[] value)
    {
        var parts = json.Split(placeholder);
        var body = new List<byte>(Encoding.UTF8.GetBytes(parts[0]));
        foreach (var part in parts.Skip(1))
        {
            body.AddRange(value);
            body.AddRange(Encoding.UTF8.GetBytes(part));
        }
        return [.. body];
    }

    [Fact]
    public async Task Hostile_numbers_and_string_encodings_are_answered_2xx_or_4xx_problem_json()
    {
        using var tenant = _api.CreateClient(_tenant.Key);
        using var admin = _api.CreateAdminClient();
        await ApiTestData.CreateGroup(tenant, "fz");
        await ApiTestData.StoreVector(tenant, "fz", [1, 0]);

        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var sent = 0;
        foreach (var (template, body) in Requests())
        {
            sent++;
            using var request = new HttpRequestMessage(HttpMethod.Post, template.Path)
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            using var response = await (template.Admin ? admin : tenant).SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var text = await response.Content.ReadAsStringAsync();
            var what = $"POST {template.Path} [{Encoding.UTF8.GetString(body)}] ({Convert.ToHexString(body)[..Math
                .Min(80, body.Length * 2)]})";
            if (status is not ((>= 200 and < 300) or (>= 400 and < 500)))
                failures.Add($"{what}: {status} {text}");
            else if (status >= 400 && FuzzTests.ProblemError(response, text) is { } problem)
                failures.Add($"{what}: {status} {problem}");
            else if (status < 300 && text.Length > 0 && !IsJson(text))
                failures.Add($"{what}: {status} with a body that is not JSON: {text}");
        }

        // Whatever the fuzz stored, the group's search still answers finite scores.
        using (var search = await tenant.PostAsync("/groups/fz/vectors/search",
                   ApiTestData.RawJson("""{"vectorString":"1,1","topK":40}""")))
        {
            foreach (var hit in (await ApiTestData.Json(search)).EnumerateArray())
            {
                if (hit.GetProperty("score").ValueKind != JsonValueKind.Number
                    || !double.IsFinite(hit.GetProperty("score").GetDouble()))
                    failures.Add("search after the fuzz: score " + hit.GetProperty("score"));
            }
        }

        output.WriteLine($"{sent} requests; statuses: " +
            string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        foreach (var failure in failures.Take(40)) output.WriteLine(failure);
        Assert.True(failures.Count == 0, $"{failures.Count} failures, first: {failures.FirstOrDefault()}");
        Assert.True(statuses.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value) >= 100
            && statuses.GetValueOrDefault(400) >= 100, "the family should be both accepted and refused");
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
