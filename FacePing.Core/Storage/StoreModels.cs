using StackExchange.Redis;

namespace FacePing.Core.Storage;

/// <summary>
/// One vector to store. <paramref name="Metadata"/> is client metadata (already validated, no system keys);
/// the system keys are typed properties so only server code can set them.
/// </summary>
/// <param name="Vector">The float32 vector; its length must equal the group's dimension (or fixes it).</param>
/// <param name="Metadata">Client metadata (canonical strings), or null for none.</param>
/// <param name="Source">One of <see cref="Metadata.VectorSources"/>.</param>
/// <param name="Id">
/// An explicit id (upsert, ingestion's deterministic ids); null lets the store generate a UUID.
/// </param>
public sealed record VectorWrite(float[] Vector, IReadOnlyDictionary<string, string>? Metadata, string Source,
    string? Id = null)
{
    public string? FileName { get; init; }
    public string? FileId { get; init; }
    public string? JobId { get; init; }

    /// <summary>The photo this face was found in, with the face's index and box (<see cref="FacePhoto"/>).</summary>
    public FacePhoto? Photo { get; init; }
}

/// <summary>Where a stored face was found: its photo's id, its index among the photo's stored faces, its box.</summary>
public sealed record FacePhoto(string PhotoId, int FaceIndex, FacePing.Contracts.Inference.FaceBox Box)
{
    /// <summary>The box as metadata stores it: "x,y,width,height" in whole pixels.</summary>
    public string BoxText => $"{(int)MathF.Round(Box.X)},{(int)MathF.Round(Box.Y)}," +
        $"{(int)MathF.Round(Box.Width)},{(int)MathF.Round(Box.Height)}";

    /// <summary>A box as <see cref="BoxText"/> wrote it, or null when <paramref name="text"/> is not one.</summary>
    public static int[]? ParseBox(string? text)
    {
        var parts = text?.Split(',');
        if (parts is not { Length: 4 }) return null;
        var box = new int[4];
        for (var i = 0; i < 4; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out box[i])) return null;
        }
        return box;
    }
}

/// <summary>
/// A group as <c>GET /groups</c> shows it. <see cref="Dimensions"/> is null until the first vector; <see cref="Model"/>
/// is the face model of its first stored face, null for groups of raw vectors. <see cref="PendingIndex"/> of the
/// vectors are stored and searchable but not yet in the HNSW graph (the indexer builds it behind the writes).
/// </summary>
public sealed record GroupInfo(string Name, DateTimeOffset CreatedAt, long VectorCount, int? Dimensions,
    string? Model = null, long PendingIndex = 0);

/// <summary>
/// A group's head as a request that searches it reads it once, before its image work
/// (<see cref="FaceStore.GetGroupHeadAsync"/>): its dimension, its face model, and the version the scan copy is
/// checked against.
/// </summary>
public sealed record GroupHead(string Tenant, string Name, int? Dimensions, string? Model)
{
    /// <summary>The hash fields as read: <see cref="Scan.ScanIndex.HeadFields"/>, then the model.</summary>
    internal RedisValue[] Fields { get; init; } = [];
}

/// <summary>A nearest neighbour with its exact cosine similarity.</summary>
public sealed record SearchHit(string Id, float Score, IReadOnlyDictionary<string, string> Metadata);

public sealed record StoredVector(string Id, string GroupName, float[] Vector,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record MetadataMatch(string Id, string GroupName, IReadOnlyDictionary<string, string> Metadata);

public sealed record DeleteVectorsResult(int Deleted, IReadOnlyList<string> NotFound);
