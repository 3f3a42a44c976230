using System.Text.Json;
using FacePing.Core.Metadata;

namespace FacePing.Tests.Store;

public sealed class MetadataRulesTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData("1", "1")]
    [InlineData("1.0", "1")]
    [InlineData("1e0", "1")]
    [InlineData("-0.50", "-0.5")]
    [InlineData("12345678901234567890", "1.2345678901234567E+19")]
    [InlineData("9007199254740993", "9007199254740993")]
    [InlineData("0.1", "0.1")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("\"text\"", "text")]
    public void Scalars_have_one_canonical_string(string json, string expected)
    {
        Assert.True(MetadataRules.TryCanonical(Parse(json), out var text));
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Null_and_empty_mean_no_metadata()
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Empty(MetadataRules.ReadForStore(null, "metadata", errors)!);
        Assert.Empty(MetadataRules.ReadForStore(Parse("null"), "metadata", errors)!);
        Assert.Empty(MetadataRules.ReadForStore(Parse("{}"), "metadata", errors)!);
        Assert.Empty(errors);
    }

    [Fact]
    public void Store_refuses_system_keys_filter_allows_them_except_createdAt()
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Null(MetadataRules.ReadForStore(Parse("""{"fileName":"a.jpg","ok":1}"""), "m", errors));
        Assert.Contains("m.fileName", errors.Keys);

        errors.Clear();
        var filter = MetadataRules.ReadFilter(Parse("""{"fileName":"a.jpg","jobId":"j","source":"ftp"}"""), "m",
            errors);
        Assert.Empty(errors);
        Assert.Equal(3, filter!.Count);

        Assert.Null(MetadataRules.ReadFilter(Parse("""{"createdAt":"2026"}"""), "m", errors));
        Assert.Contains("m.createdAt", errors.Keys);
    }

    [Fact]
    public void Reports_every_bad_key_at_once()
    {
        var errors = new Dictionary<string, string[]>();
        var json = Parse("""{"a":{"x":1},"b":[1],"c":null,"d e":"x","f":"ok"}""");
        Assert.Null(MetadataRules.ReadForStore(json, "metadata", errors));
        Assert.Contains("metadata.a", errors.Keys);
        Assert.Contains("metadata.b", errors.Keys);
        Assert.Contains("metadata.c", errors.Keys);
        Assert.Contains("d e", errors["metadata"][0]);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("A-z_0.9", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a:b", false)]
    [InlineData("a=b", false)]
    [InlineData("é", false)]
    public void Name_rule(string name, bool valid) => Assert.Equal(valid, Names.IsValidName(name));

    [Fact]
    public void Name_length_limit_is_64()
    {
        Assert.True(Names.IsValidName(new string('a', 64)));
        Assert.False(Names.IsValidName(new string('a', 65)));
        Assert.True(Names.IsValidId("drive:" + new string('a', 100)));
        Assert.False(Names.IsValidId(new string('a', 129)));
    }

    [Fact]
    public void String_pairs_follow_the_same_rules()
    {
        var errors = new Dictionary<string, string[]>();
        var ok = MetadataRules.ReadPairsForStore([new("camera", "door"), new("floor", "3")], "metadata", errors);
        Assert.Equal(new Dictionary<string, string> { ["camera"] = "door", ["floor"] = "3" }, ok);
        Assert.Empty(errors);

        Assert.Null(MetadataRules.ReadPairsForStore(
            [new("jobId", "x"), new("bad key", "v"), new("long", new string('x', 1025)), new("a", "1"), new("a", "2")],
            "metadata", errors));
        Assert.Contains("metadata.jobId", errors.Keys);
        Assert.Contains("metadata", errors.Keys);
        Assert.Contains("metadata.long", errors.Keys);
        Assert.Contains("metadata.a", errors.Keys);
    }
}
