namespace FacePing.Ingestion.Ftp;

/// <summary>An FTP operation failed; the message is readable by the job's owner and never holds the password.</summary>
public sealed class FtpException(string message, int? replyCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The server's reply code when the server answered, else null (network error, timeout, TLS).</summary>
    public int? ReplyCode { get; } = replyCode;
}
