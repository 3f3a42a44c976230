namespace FacePing.Tests.Infrastructure;

/// <summary>What the shipped recognition model produces, as a client sees it.</summary>
public static class FaceModel
{
    /// <summary>The model name every face response and face group carries.</summary>
    public const string Name = FacePing.Inference.Embedding.RecognitionModels.Name;

    /// <summary>MobileFaceNet's 512 values followed by the dlib ResNet's 128.</summary>
    public const int Dimensions = 640;
}
