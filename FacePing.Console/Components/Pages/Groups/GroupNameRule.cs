using System.ComponentModel.DataAnnotations;

namespace FacePing.Console.Components.Pages.Groups;

/// <summary>The Api's group-name rule, checked before the request so a typo is caught at the field.</summary>
public sealed class GroupNameRule() : RegularExpressionAttribute("^[A-Za-z0-9_.-]{1,64}$")
{
    public const string Text = "1–64 characters of A–Z a–z 0–9 _ - .";

    public override string FormatErrorMessage(string name) => $"Group names are {Text}.";
}
