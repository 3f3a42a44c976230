using FacePing.Inference.Imaging;

namespace FacePing.Inference.Detection;

/// <summary>Finds the faces of a decoded photo.</summary>
public interface IFaceDetector
{
    /// <summary>Faces in <paramref name="image"/>'s (decoded) pixel coordinates, best score first.</summary>
    /// <param name="passes">How many detector runs it took (whole image, scales, tiles).</param>
    List<FaceCandidate> Detect(RgbaImage image, out int passes);
}
