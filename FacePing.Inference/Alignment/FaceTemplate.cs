using System.Numerics;
using FacePing.Inference.Imaging;
using FacePing.Inference.Landmarks;

namespace FacePing.Inference.Alignment;

/// <summary>
/// Where an embedding model expects chosen landmarks to sit in its square input crop. Each model was trained on crops
/// made one particular way, and recognition falls off quickly when the crop differs.
/// </summary>
public sealed class FaceTemplate(string name, int size, Vector2[] points, Func<FaceLandmarks, Vector2[]> select)
{
    public string Name => name;

    /// <summary>Side of the square crop in pixels.</summary>
    public int Size => size;

    /// <summary>The map from crop pixels to image pixels that puts the face's landmarks on the template.</summary>
    public AffineMap Align(FaceLandmarks landmarks) => FaceAligner.Estimate(select(landmarks), points);

    /// <summary>
    /// InsightFace's ArcFace 112×112 template: eye centres, nose tip, mouth corners (MobileFaceNet was trained on it).
    /// </summary>
    public static FaceTemplate ArcFace112 { get; } = new("arcface-112", 112,
        [new(38.2946f, 51.6963f), new(73.5318f, 51.5014f), new(56.0252f, 71.7366f), new(41.5493f, 92.3655f),
            new(70.7299f, 92.2041f)],
        l => l.Five.ToArray());

    /// <summary>
    /// dlib's 150×150 face chip with 25 % padding (dlib's get_face_chip_details for its 5-point shape: the outer and
    /// inner eye corners and the base of the nose), which dlib's face ResNet was trained on.
    /// </summary>
    public static FaceTemplate DlibChip150 { get; } = DlibChip(150, 0.25f);

    private static FaceTemplate DlibChip(int size, float padding)
    {
        // dlib's mean positions of those points in a unit face box; iBUG indices 45, 42, 36, 39 and 33 are the same
        // points.
        Vector2[] unit = [new(0.8595674595992f, 0.2134981538014f), new(0.6460604764104f, 0.2289674387677f),
            new(0.1205750620789f, 0.2137274526848f), new(0.3340850613712f, 0.2290642403242f),
            new(0.4901123135679f, 0.6277975316475f)];
        var points = unit.Select(p => (p + new Vector2(padding)) / (1 + 2 * padding) * size).ToArray();
        return new FaceTemplate($"dlib-{size}", size, points, l => [l[45], l[42], l[36], l[39], l[33]]);
    }
}
