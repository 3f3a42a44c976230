namespace FacePing.Core.Faces;

/// <summary>Which faces of a photo a request uses.</summary>
public enum FaceChoice
{
    /// <summary>
    /// The largest whole, confident face (the one the Inference service puts first); the others are only counted.
    /// Every single-face endpoint and folder import uses it.
    /// </summary>
    Largest,

    /// <summary>Every face the Inference service embedded, largest first (identify; event photos).</summary>
    All,
}
