namespace FacePing.Contracts.Inference;

/// <summary>
/// Which faces the Inference service embeds: the largest only (what the public API needs), all, or none.
/// </summary>
public enum EmbedMode
{
    Largest,
    All,
    None,
}
