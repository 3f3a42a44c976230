using System.Diagnostics.Metrics;
using FacePing.Core.Metadata;
using FacePing.Core.Storage;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace FacePing.Tests.Store;

/// <summary>
/// Store tests that need a Redis server of their own (they kill it, or read what it holds key by key): the server, a
/// connection to it, and stores, indexers and loads of random vectors on it.
/// </summary>
public abstract class OwnRedisStoreTests : IAsyncLifetime
{
    protected RedisServer Redis { get; } = new();
    protected ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Redis.DisposeAsync();
    }

    protected FaceStore Store(VectorStoreOptions options) =>
        new(Connection, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);

    protected static VectorIndexer Indexer(FaceStore store, VectorStoreOptions options) =>
        new(store, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System,
            NullLogger<VectorIndexer>.Instance,
            new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    /// <summary>
    /// Creates the group and upserts <paramref name="count"/> random unit vectors in batches of 100, vector i with id
    /// <paramref name="id"/>(i) and metadata n = i mod <paramref name="classes"/>.
    /// </summary>
    internal static async Task<float[][]> LoadAsync(FaceStore store, string tenant, string group, int count, int seed,
        int dims, Func<int, string> id, int classes)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        await store.CreateGroupAsync(tenant, group);
        for (var i = 0; i < count; i += 100)
        {
            var batch = new List<VectorWrite>();
            for (var j = i; j < Math.Min(count, i + 100); j++)
            {
                vectors[j] = Api.ApiTestData.RandomUnit(random, dims);
                batch.Add(new VectorWrite(vectors[j],
                    new Dictionary<string, string> { ["n"] = (j % classes).ToString() }, VectorSources.Vector, id(j)));
            }
            await store.UpsertAsync(tenant, group, batch);
        }
        return vectors;
    }
}
