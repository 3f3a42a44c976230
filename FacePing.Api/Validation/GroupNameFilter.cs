using FacePing.Contracts.Problems;
using FacePing.Core.Metadata;

namespace FacePing.Api.Validation;

/// <summary>
/// The <c>{groupName}</c> of a route, checked before the handler runs (and before any image work): a malformed name
/// is a 400 naming the rule. Applied to every route group with a group name (GroupNameValidation.ValidatesGroupName).
/// </summary>
public sealed class GroupNameFilter : IEndpointFilter
{
    public const string RouteValue = "groupName";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Request.RouteValues.TryGetValue(RouteValue, out var value)
            && value is string name && !Names.IsValidName(name)
            ? ValueTask.FromResult<object?>(
                ProblemCatalogue.Validation(RouteValue, RequestRules.GroupNameMessage).ToResult())
            : next(context);
}

public static class GroupNameValidation
{
    /// <summary>Checks the route's <c>{groupName}</c> on every endpoint of <paramref name="builder"/>.</summary>
    public static TBuilder ValidatesGroupName<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, GroupNameFilter>();
}
