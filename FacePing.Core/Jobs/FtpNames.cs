namespace FacePing.Core.Jobs;

/// <summary>Remote names come from an untrusted server; only plain names directly in the folder are used.</summary>
public static class FtpNames
{
    public static bool IsSafeFileName(string name) =>
        name.Length is > 0 and <= 255
        && name is not "." and not ".."
        && name.IndexOfAny(['/', '\\']) < 0
        && !FtpEndpoint.HasControlChars(name);

    /// <summary>
    /// A folder path the client gave: absolute or relative, no control characters (CR/LF would inject commands).
    /// </summary>
    public static bool IsValidFolderPath(string? path) =>
        path is not null && path.Length <= 1024 && !FtpEndpoint.HasControlChars(path);
}
