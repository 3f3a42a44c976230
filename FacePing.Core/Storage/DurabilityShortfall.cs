namespace FacePing.Core.Storage;

/// <summary>
/// What one request applied without its durability being confirmed. A caller that can answer "applied, not yet
/// durable" together with its own result (the Api's creating endpoints, <c>IdempotencyFilter</c>) opens a scope with
/// <see cref="Begin"/>; inside it <see cref="RedisDurability"/> records an applied write whose wait failed and lets the
/// request go on, instead of throwing <see cref="DurabilityException"/> and losing the result (the id of what was
/// created). The scope flows with the request's async calls and ends with the method that began it.
/// </summary>
public sealed class DurabilityShortfall
{
    private static readonly AsyncLocal<DurabilityShortfall?> Scope = new();

    private DurabilityShortfall() { }

    /// <summary>The scope of the current request, or null outside one.</summary>
    public static DurabilityShortfall? Current => Scope.Value;

    /// <summary>Opens a scope for the calling async method and what it awaits.</summary>
    public static DurabilityShortfall Begin() => Scope.Value = new DurabilityShortfall();

    /// <summary>The first applied write whose durability was not confirmed, if any.</summary>
    public DurabilityException? Failure { get; private set; }

    /// <summary>Whether a write of this request was applied without its durability confirmed.</summary>
    public bool Applied => Failure is not null;

    internal void Record(DurabilityException failure) => Failure ??= failure;
}
