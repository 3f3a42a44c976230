namespace FacePing.Ingestion.Sources;

/// <summary>Which names are images for FTP folders (Drive says so with its MIME type).</summary>
public static class ImageFileNames
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    public static bool IsImage(string name) =>
        Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
