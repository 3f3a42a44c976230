using FacePing.Console.Services;

namespace FacePing.Console.Components.Shared;

/// <summary>
/// One box to draw on a photo with its label, and a note shown when the pointer rests on it. Pages decide the label:
/// a number today; a name from a group once an identify page labels each face with its match.
/// </summary>
public sealed record FaceMark(FaceBox Box, string Label, bool Emphasis = false, string? Note = null);
