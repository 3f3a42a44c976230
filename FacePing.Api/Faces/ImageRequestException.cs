using Microsoft.AspNetCore.Mvc;

namespace FacePing.Api.Faces;

/// <summary>
/// A request did not carry its image readably (missing, malformed base64, over the limit, wrong content type):
/// thrown by <see cref="FaceImageReader"/> with the catalogue's problem, which ProblemExceptionHandler answers as is.
/// </summary>
public sealed class ImageRequestException(ProblemDetails problem) : Exception(problem.Detail)
{
    public ProblemDetails Problem { get; } = problem;
}
