using System.Text.Json;
using System.Text.Json.Serialization;

namespace FacePing.Client.Http;

/// <summary>
/// The API's JSON (camelCase, web defaults), generated at build time so the client needs no reflection. Unknown
/// members of an answer are ignored, so what the API adds later never breaks a client; nulls are not sent.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GroupInfo))]
[JsonSerializable(typeof(IReadOnlyList<GroupInfo>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(DeletedVectors))]
[JsonSerializable(typeof(CreatedVector))]
[JsonSerializable(typeof(StoredVector))]
[JsonSerializable(typeof(VectorComparison))]
[JsonSerializable(typeof(IReadOnlyList<SearchHit>))]
[JsonSerializable(typeof(IReadOnlyList<MetadataMatch>))]
[JsonSerializable(typeof(StoreVectorBody))]
[JsonSerializable(typeof(UpsertBody))]
[JsonSerializable(typeof(UpsertAnswer))]
[JsonSerializable(typeof(SearchVectorsBody))]
[JsonSerializable(typeof(MetadataSearchBody))]
[JsonSerializable(typeof(CompareVectorsBody))]
[JsonSerializable(typeof(FaceComparison))]
[JsonSerializable(typeof(GeneratedVector))]
[JsonSerializable(typeof(StoredFace))]
[JsonSerializable(typeof(StoredPhoto))]
[JsonSerializable(typeof(PhotoPage))]
[JsonSerializable(typeof(DetectedFaces))]
[JsonSerializable(typeof(IdentifiedFaces))]
[JsonSerializable(typeof(StoreFaceBase64Body))]
[JsonSerializable(typeof(FtpImport))]
[JsonSerializable(typeof(DriveImport))]
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(IReadOnlyList<Job>))]
[JsonSerializable(typeof(ClusterOptions))]
[JsonSerializable(typeof(IReadOnlyList<FaceCluster>))]
[JsonSerializable(typeof(CreateKeyBody))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(IReadOnlyList<ApiKeyInfo>))]
[JsonSerializable(typeof(WebhookSecretRotation))]
[JsonSerializable(typeof(JobCallback))]
internal sealed partial class FacePingJson : JsonSerializerContext;
