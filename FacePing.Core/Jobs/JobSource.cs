namespace FacePing.Core.Jobs;

/// <summary>
/// Where a job's files come from; also the stored vectors' <c>source</c> metadata. <see cref="Cluster"/> jobs read no
/// files.
/// </summary>
public static class JobSource
{
    public const string Drive = "drive";
    public const string Ftp = "ftp";

    /// <summary>Groups a group's vectors into people (<see cref="Clustering.ClusterRequest"/>); stores none.</summary>
    public const string Cluster = "cluster";
}
