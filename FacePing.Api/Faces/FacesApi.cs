using FacePing.Core.Auth;

namespace FacePing.Api.Faces;

/// <summary>Placeholder until the image endpoints land: the routes exist and answer 501 to authenticated callers.</summary>
public static class FacesApi
{
    public static IEndpointRouteBuilder MapFacesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/").WithTags("Faces").RequireAuthorization(FacePingPolicies.Tenant);
        api.MapPost("/faces/compare", NotImplemented).WithName("CompareFaces");
        api.MapPost("/vector/generate", NotImplemented).WithName("GenerateVector");
        api.MapPost("/groups/{groupName}/face", NotImplemented).WithName("StoreFace");
        api.MapPost("/groups/{groupName}/face/base64", NotImplemented).WithName("StoreFaceBase64");
        api.MapPost("/groups/{groupName}/faces/search", NotImplemented).WithName("SearchFaces");
        return app;
    }

    private static IResult NotImplemented() =>
        TypedResults.Problem("Image endpoints are not available in this build.", statusCode: StatusCodes.Status501NotImplemented,
            title: "Not implemented");
}
