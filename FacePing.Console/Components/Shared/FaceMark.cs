using FacePing.Client;

namespace FacePing.Console.Components.Shared;

/// <summary>
/// One box to draw on a photo with its label, and a note shown when the pointer rests on it. Pages decide the label:
/// its number, and once the photo is identified in a group, the number and the name of its match.
/// </summary>
public sealed record FaceMark(FaceBox Box, string Label, bool Emphasis = false, string? Note = null);
