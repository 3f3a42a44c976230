using System.Security.Cryptography;
using FacePing.Inference.Options;

namespace FacePing.Inference.Models;

/// <summary>
/// The SHA-256 of every model file the pipeline loads, the same values eng/provision-models.sh pins: the service
/// refuses to start on a file that differs (a truncated copy, another version under the same name).
/// </summary>
public static class ModelFiles
{
    public static IReadOnlyDictionary<string, string> Sha256 { get; } = new Dictionary<string, string>
    {
        [ModelOptions.DetectorFile] = "daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3",
        [ModelOptions.LandmarkFile] = "f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258",
        [ModelOptions.FeatureFile] = "87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581",
        ["dlib_face_recognition_resnet_model_v1.onnx"] =
            "9ef2bd4e1a5b8f590f65bf348a5560dc6e725c67e2f4520ed816b1e119f83716",
    };

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>"file: SHA-256 is …, expected …" for each present file whose hash is not the pinned one.</summary>
    public static IEnumerable<string> Mismatches(string directory, IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path) || !Sha256.TryGetValue(file, out var expected)) continue;
            var actual = HashOf(path);
            if (actual != expected) yield return $"{file}: SHA-256 is {actual}, expected {expected}";
        }
    }
}
