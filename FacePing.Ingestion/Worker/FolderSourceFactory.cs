using FacePing.Core.Jobs;
using FacePing.Core.Jobs.Network;
using FacePing.Ingestion.Drive;
using FacePing.Ingestion.Ftp;
using FacePing.Ingestion.Sources;
using Microsoft.Extensions.Options;

namespace FacePing.Ingestion.Worker;

/// <summary>Opens a job's folder from its definition and credentials.</summary>
public sealed class FolderSourceFactory(IOptions<FtpClientOptions> ftpOptions, IOptions<DriveOptions> driveOptions,
    DriveClient drive)
{
    private readonly OutboundAddressGuard _ftpGuard = new(ftpOptions.Value.AllowedHosts);

    public async Task<IFolderSource> OpenAsync(JobDefinition job, JobSecret secret, CancellationToken cancellationToken)
    {
        switch (job.Source)
        {
            case JobSource.Ftp:
                var endpoint = new FtpEndpoint(job.FtpHost!, job.FtpPort ?? 21, job.FtpUsername!,
                    secret.FtpPassword ?? "");
                IReadOnlyList<System.Net.IPAddress> addresses;
                try
                {
                    addresses = await _ftpGuard.ResolveAllowedAsync(endpoint.Host, cancellationToken);
                }
                catch (OutboundTargetRefusedException e)
                {
                    throw new JobAbortedException($"FTP server not allowed: {e.Message}", e);
                }
                return new FtpFolderSource(endpoint, addresses, job.FtpFolderPath ?? "", ftpOptions.Value);
            case JobSource.Drive:
                try
                {
                    return new DriveFolderSource(drive, DriveTokenSource.Create(secret.ServiceAccountKey ?? "",
                        driveOptions.Value), job.DriveFolderId!);
                }
                catch (DriveException e)
                {
                    throw new JobAbortedException(e.Message, e);
                }
            default:
                throw new JobAbortedException($"Unknown job source '{job.Source}'.");
        }
    }
}
