using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace FacePing.Contracts.Problems;

/// <summary>
/// One kind of problem of the <see cref="ProblemCatalogue"/>: its status and title; its <c>type</c> URI follows from
/// the status, unless the kind is one of FacePing's own (<paramref name="OwnType"/>). Every problem body of every
/// service is built here, from a kind and a detail.
/// </summary>
public sealed record ProblemKind(int Status, string Title, string? OwnType = null)
{
    public string Type => OwnType ?? ProblemCatalogue.TypeOf(Status);

    public ProblemDetails Create(string detail) =>
        new() { Type = Type, Title = Title, Status = Status, Detail = detail };

    /// <summary>A problem with <c>errors</c>: each field with its messages.</summary>
    public HttpValidationProblemDetails Create(string detail, IDictionary<string, string[]> errors) =>
        new(errors) { Type = Type, Title = Title, Status = Status, Detail = detail };

    /// <summary>A problem with one field's error, whose message is also the detail.</summary>
    public HttpValidationProblemDetails CreateFor(string field, string message) =>
        Create(message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>True for problems of this kind (same status and title).</summary>
    public bool Matches(ProblemDetails problem) => problem.Status == Status && problem.Title == Title;
}

/// <summary>Extra members of a problem body (RFC 9457 extensions), set fluently.</summary>
public static class ProblemExtensions
{
    public static T With<T>(this T problem, string name, object? value) where T : ProblemDetails
    {
        problem.Extensions[name] = value;
        return problem;
    }

    /// <summary>The request field that held the image the problem is about.</summary>
    public static T WithImage<T>(this T problem, string field) where T : ProblemDetails => problem.With("image", field);

    /// <summary>
    /// The handler of <c>UseStatusCodePages</c>: a status written without a body becomes the catalogue's problem.
    /// </summary>
    public static Task WriteStatusCodePageAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        return http.WriteProblemAsync(ProblemCatalogue.ForBareStatus(http.Response.StatusCode, http.Request.Path))
            .AsTask();
    }

    /// <summary>
    /// Sets the status and writes <paramref name="problem"/> as problem+json (the status alone when the client's
    /// Accept header rules JSON out).
    /// </summary>
    public static async ValueTask WriteProblemAsync(this HttpContext context, ProblemDetails problem,
        Exception? exception = null)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(
            new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
