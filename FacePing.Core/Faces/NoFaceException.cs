namespace FacePing.Core.Faces;

/// <summary>The image decoded but held no usable face (answered 422, naming the request field).</summary>
public sealed class NoFaceException(string field) : Exception($"No usable face was found in '{field}'.")
{
    public string Field { get; } = field;
}
