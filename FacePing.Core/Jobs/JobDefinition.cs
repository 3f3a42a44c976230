namespace FacePing.Core.Jobs;

/// <summary>
/// What a job was asked to do, without its credentials (those live in a separate key that is deleted when the job
/// ends). FTP jobs fill the Ftp* fields, Drive jobs <see cref="DriveFolderId"/>. Faces below <see cref="MinQuality"/>
/// (0 = off) are not stored but listed as failed files with the reasons. <see cref="Faces"/>: the largest face of
/// each photo, or every face that passes the bars (those rejected are counted, not failed). Cluster jobs fill
/// <see cref="Cluster"/> only.
/// </summary>
public sealed record JobDefinition(
    string JobId,
    string Tenant,
    string GroupName,
    string Source,
    DateTimeOffset CreatedAt,
    string? CallbackUrl,
    string? NotificationEmail,
    string? FtpHost = null,
    int? FtpPort = null,
    string? FtpUsername = null,
    string? FtpFolderPath = null,
    string? DriveFolderId = null,
    double MinQuality = 0,
    Clustering.ClusterRequest? Cluster = null,
    Faces.FaceChoice Faces = Faces.FaceChoice.Largest);

/// <summary>The credentials of a job: the FTP password or the service-account key JSON.</summary>
public sealed record JobSecret(string? FtpPassword = null, string? ServiceAccountKey = null)
{
    public override string ToString() => "JobSecret { *** }";
}
