using System.ComponentModel.DataAnnotations;

namespace FacePing.Api.Auth;

/// <summary>Configuration section <c>FacePing</c>: the admin key (<c>FacePing:AdminKey</c>).</summary>
public sealed class AdminKeyOptions
{
    public const string Section = "FacePing";

    /// <summary>The key that may call <c>/admin/*</c>. At least 16 characters so it cannot be guessed.</summary>
    [Required(ErrorMessage = "FacePing:AdminKey must be configured (the key for /admin endpoints).")]
    [MinLength(16, ErrorMessage = "FacePing:AdminKey must be at least 16 characters.")]
    public string AdminKey { get; set; } = "";
}
