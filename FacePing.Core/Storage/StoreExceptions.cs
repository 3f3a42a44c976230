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
