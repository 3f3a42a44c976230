using System.Globalization;
using System.Text.Json;
using FacePing.Core.Metadata;
using FacePing.Core.Vectors;
using StackExchange.Redis;

namespace FacePing.Core.Storage;

// Writes: upsert (atomic per call) and delete of vectors.
public sealed partial class FaceStore
{
    /// <summary>Stores one vector under a new (or the given) id and returns the id.</summary>
    public async Task<string> AddAsync(string tenant, string group, VectorWrite item, string? model = null,
        CancellationToken cancellationToken = default) =>
        (await UpsertAsync(tenant, group, [item], model, cancellationToken))[0];

    /// <summary>
    /// Stores all items atomically (all or none) and returns their ids in input order. An existing id is replaced,
    /// even when it was in another group of the tenant. Throws <see cref="GroupNotFoundException"/> and
    /// <see cref="DimensionMismatchException"/>; <see cref="ArgumentException"/> for items the caller should have
    /// validated (bad id, system key in <see cref="VectorWrite.Metadata"/>, mixed dimensions).
    /// Face vectors pass the <paramref name="model"/> that made them: the group's first face records it, and a face of
    /// another model is refused with <see cref="ModelMismatchException"/> (their similarities would mean nothing).
    /// One Lua script does the whole call: it stores the vectors and queues their ids for the HNSW graph, which the
    /// indexer (<see cref="IndexPendingAsync"/>, run by <see cref="VectorIndexer"/>) builds behind; searches scan the
    /// queued ids exactly, so an acknowledged write is found at once.
    /// </summary>
    public async Task<IReadOnlyList<string>> UpsertAsync(string tenant, string group, IReadOnlyList<VectorWrite> items,
        string? model = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(items.Count);
        using var activity = Activity.StartActivity("store.upsert");
        activity?.SetTag("faceping.vectors", items.Count);

        var dims = items[0].Vector.Length;
        var keys = new StoreKeys(tenant);
        var createdAt = Timestamp(clock.GetUtcNow());
        var ids = new string[items.Count];
        var args = new RedisValue[6 + items.Count * 4];
        args[0] = keys.Prefix;
        args[1] = group;
        args[2] = dims;
        args[3] = items.Count;
        args[4] = _options.ChangeLogLength;
        args[5] = model ?? "";
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Vector.Length != dims)
                throw new ArgumentException($"Item {i} has {item.Vector.Length} dimensions; item 0 has {dims}.");
            if (item.Vector.Length is 0 or > VectorText.MaxDimensions)
                throw new ArgumentException($"Item {i} has {item.Vector.Length} dimensions.");
            if (!VectorSources.IsKnown(item.Source))
                throw new ArgumentException($"Item {i}: unknown source '{item.Source}'.");
            var id = item.Id ?? Guid.CreateVersion7().ToString();
            if (!Names.IsValidId(id)) throw new ArgumentException($"Item {i}: id is not {Names.IdRule}.");
            var metadata = Compose(item, createdAt, i);
            ids[i] = id;
            var b = 6 + i * 4;
            var (field, bytes) = VectorEncoding.Encode(item.Vector,
                VectorEncoding.IsHalf(_options.VectorPrecision, item.Source));
            args[b] = id;
            args[b + 1] = field;
            args[b + 2] = bytes;
            args[b + 3] = JsonSerializer.Serialize(metadata, MetadataJson);
        }

        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await _writes.EvalAsync(StoreScripts.Upsert, [keys.Group(group)], args,
                cancellationToken))!;
        }
        catch
        {
            // Perhaps applied (a failed durability wait, a lost answer): the indexer looks at the group.
            NoteIndexing(tenant, group);
            throw;
        }
        if ((int)reply[0] == 0)
        {
            await NoteIndexingAsync(tenant, group);
            // Groups with a graph in parts that a vector left: their node goes when their indexer looks.
            for (var i = 1; i < reply.Length; i++) await NoteIndexingAsync(tenant, (string)reply[i]!);
        }
        switch ((int)reply[0])
        {
            case 1: throw new GroupNotFoundException(group);
            case 2: throw new DimensionMismatchException(group, (int)reply[1], dims);
            case 3: throw new ModelMismatchException(group, (string)reply[1]!, model!);
        }
        return ids;
    }

    /// <summary>Deletes the given ids from the group; ids not in the group are reported, not an error.</summary>
    public async Task<DeleteVectorsResult> DeleteVectorsAsync(string tenant, string group, IReadOnlyList<string> ids,
        CancellationToken cancellationToken = default)
    {
        var keys = new StoreKeys(tenant);
        var args = new RedisValue[3 + ids.Count];
        args[0] = keys.Prefix;
        args[1] = group;
        args[2] = _options.ChangeLogLength;
        for (var i = 0; i < ids.Count; i++) args[3 + i] = ids[i];
        var reply = await _writes.EvalAsync(StoreScripts.DeleteVectors, [keys.Group(group)], args, cancellationToken);
        if (reply.Resp2Type == ResultType.Integer) throw new GroupNotFoundException(group);
        var parts = (RedisResult[])reply!;
        var notFound = new string[parts.Length - 1];
        for (var i = 1; i < parts.Length; i++) notFound[i - 1] = (string)parts[i]!;
        // A split graph's nodes are taken out by the indexer (StoreScripts.Unindex).
        if ((int)parts[0] > 0) await NoteIndexingAsync(tenant, group);
        return new DeleteVectorsResult((int)parts[0], notFound);
    }


    private static Dictionary<string, string> Compose(VectorWrite item, string createdAt, int index)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.Metadata is not null)
        {
            foreach (var (k, v) in item.Metadata)
            {
                if (SystemMetadata.IsSystemKey(k))
                    throw new ArgumentException(
                        $"Item {index}: '{k}' is system metadata; use the VectorWrite property.");
                if (!Names.IsValidName(k))
                    throw new ArgumentException($"Item {index}: metadata key '{k}' is not {Names.NameRule}.");
                metadata[k] = v;
            }
        }
        metadata[SystemMetadata.Source] = item.Source;
        metadata[SystemMetadata.CreatedAt] = createdAt;
        if (item.FileName is not null) metadata[SystemMetadata.FileName] = item.FileName;
        if (item.FileId is not null) metadata[SystemMetadata.FileId] = item.FileId;
        if (item.JobId is not null) metadata[SystemMetadata.JobId] = item.JobId;
        if (item.Photo is { } photo)
        {
            metadata[SystemMetadata.PhotoId] = photo.PhotoId;
            metadata[SystemMetadata.FaceIndex] = photo.FaceIndex.ToString(CultureInfo.InvariantCulture);
            metadata[SystemMetadata.FaceBox] = photo.BoxText;
        }
        return metadata;
    }
}
