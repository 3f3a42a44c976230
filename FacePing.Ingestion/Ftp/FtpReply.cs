namespace FacePing.Ingestion.Ftp;

/// <summary>One (possibly multi-line) server reply; <see cref="Text"/> is the last line's text.</summary>
public readonly record struct FtpReply(int Code, string Text)
{
    public bool IsPreliminary => Code is >= 100 and < 200;
    public bool IsSuccess => Code is >= 200 and < 400;

    public override string ToString() => $"{Code} {Text}";
}
