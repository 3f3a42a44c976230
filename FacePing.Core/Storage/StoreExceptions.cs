namespace FacePing.Core.Storage;

/// <summary>The group does not exist for this tenant (answer 404).</summary>
public sealed class GroupNotFoundException(string group) : Exception($"Group '{group}' does not exist.")
{
    public string Group { get; } = group;
}

/// <summary>The group already exists (answer 409).</summary>
public sealed class GroupAlreadyExistsException(string group) : Exception($"Group '{group}' already exists.")
{
    public string Group { get; } = group;
}

/// <summary>A vector's length differs from the group's dimension (answer 400 naming both).</summary>
public sealed class DimensionMismatchException(string group, int expected, int actual)
    : Exception($"Group '{group}' holds {expected}-dimensional vectors; this vector has {actual} dimensions.")
{
    public string Group { get; } = group;
    public int Expected { get; } = expected;
    public int Actual { get; } = actual;
}

/// <summary>
/// The group holds vectors of another face model than the one that made this face (answer 409 naming both):
/// similarities across models mean nothing, so a group never mixes them. Re-embed into a new group after a model
/// upgrade.
/// </summary>
public sealed class ModelMismatchException(string group, string groupModel, string model)
    : Exception($"Group '{group}' holds faces embedded by model '{groupModel}'; this face was embedded by '{model}'. " +
                "Store it in a group of that model, " +
                "or re-embed the group's photos into a new group (docs/accuracy.md).")
{
    public string Group { get; } = group;
    public string GroupModel { get; } = groupModel;
    public string Model { get; } = model;
}
