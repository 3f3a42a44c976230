using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FacePing.Contracts.Problems;

/// <summary>Catalogue problems as the typed results minimal-API handlers return.</summary>
public static class ProblemResults
{
    public static ProblemHttpResult ToResult(this ProblemDetails problem) => TypedResults.Problem(problem);

    /// <summary>A problem with <c>errors</c> as a <see cref="ValidationProblem"/> (a 400 in the OpenAPI document).
    /// </summary>
    public static ValidationProblem ToResult(this HttpValidationProblemDetails problem) =>
        TypedResults.ValidationProblem(problem.Errors, problem.Detail, problem.Instance, problem.Title, problem.Type,
            problem.Extensions);
}
