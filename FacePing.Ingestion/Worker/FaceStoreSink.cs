using FacePing.Core.Storage;

namespace FacePing.Ingestion.Worker;

/// <summary>
/// Ingested faces go to the shared Redis face store with their system metadata and deterministic ids.
/// </summary>
public sealed class FaceStoreSink(FaceStore store) : IFaceSink
{
    public async Task<bool> GroupExistsAsync(string tenant, string groupName, CancellationToken cancellationToken) =>
        await store.GetGroupAsync(tenant, groupName, cancellationToken) is not null;

    public async Task UpsertAsync(string tenant, string groupName, string id, float[] vector, string model,
        IngestedFile file, CancellationToken cancellationToken)
    {
        var write = new VectorWrite(vector, null, file.Source, id)
        {
            FileName = file.FileName, FileId = file.FileId, JobId = file.JobId
        };
        try
        {
            await store.UpsertAsync(tenant, groupName, [write], cancellationToken, model);
        }
        catch (GroupNotFoundException e)
        {
            throw new JobAbortedException($"Group '{groupName}' was deleted during the import.", e);
        }
        catch (ModelMismatchException e)
        {
            throw new JobAbortedException(e.Message, e);
        }
        catch (DimensionMismatchException e)
        {
            throw new JobAbortedException(
                $"Group '{groupName}' holds {e.Expected}-dimensional vectors; faces are {e.Actual}-dimensional.", e);
        }
    }
}
