namespace FacePing.Core.Jobs;

/// <summary>Where a job's files come from; also the stored vectors' <c>source</c> metadata.</summary>
public static class JobSource
{
    public const string Drive = "drive";
    public const string Ftp = "ftp";
}
