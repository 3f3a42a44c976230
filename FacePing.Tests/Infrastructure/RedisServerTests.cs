namespace FacePing.Tests.Infrastructure;

public sealed class RedisServerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Provisioned_server_is_redis_8_with_vector_sets()
    {
        var info = await redis.Server.InfoAsync("server");
        var version = info.SelectMany(g => g).First(kv => kv.Key == "redis_version").Value;
        Assert.True(Version.Parse(version).Major >= 8, $"redis_version {version}");

        await redis.Db.ExecuteAsync("VADD", "probe", "VALUES", "2", "1", "0", "a");
        Assert.Equal(1L, (long)await redis.Db.ExecuteAsync("VCARD", "probe"));
    }

    [Fact]
    public async Task Test_servers_run_the_shipped_configuration()
    {
        // deploy/redis/redis.conf, as every FacePing Redis runs it: the settings durability and restart time rest on.
        var expected = new Dictionary<string, string>
        {
            ["appendonly"] = "yes", ["appendfsync"] = "always", ["aof-use-rdb-preamble"] = "yes",
            ["auto-aof-rewrite-percentage"] = "5", ["maxmemory-policy"] = "noeviction", ["save"] = "",
            ["hash-max-listpack-value"] = "4096",
        };
        foreach (var (name, value) in expected)
            Assert.Equal(value, (await redis.Server.ConfigGetAsync(name)).Single().Value);
    }
}
