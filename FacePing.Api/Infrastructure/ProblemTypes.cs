namespace FacePing.Api.Infrastructure;

/// <summary>
/// Every problem gets a <c>type</c>: the framework fills the RFC 9110 ones; 429 (RFC 6585) and any other status it does
/// not know get theirs here, <c>about:blank</c> as RFC 9457's fallback.
/// </summary>
public static class ProblemTypes
{
    public static void Fill(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!string.IsNullOrEmpty(problem.Type)) return;
        problem.Type = problem.Status switch
        {
            StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
            StatusCodes.Status501NotImplemented => "https://tools.ietf.org/html/rfc9110#section-15.6.2",
            _ => "about:blank",
        };
    }
}
