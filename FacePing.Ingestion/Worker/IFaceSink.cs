namespace FacePing.Ingestion.Worker;

/// <summary>
/// Where ingested faces go (the Redis face store); an interface so the worker's rules are testable on their own.
/// </summary>
public interface IFaceSink
{
    Task<bool> GroupExistsAsync(string tenant, string groupName, CancellationToken cancellationToken);

    /// <summary>
    /// Stores or replaces the vector <paramref name="id"/> made by face model <paramref name="model"/>; throws
    /// <see cref="JobAbortedException"/> when the group is gone or holds another model's (or length's) vectors.
    /// </summary>
    Task UpsertAsync(string tenant, string groupName, string id, float[] vector, string model, IngestedFile file,
        CancellationToken cancellationToken);
}

/// <summary>The system metadata of an ingested face.</summary>
public sealed record IngestedFile(string FileName, string FileId, string Source, string JobId);
