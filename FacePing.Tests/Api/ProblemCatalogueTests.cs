using System.Net;
using FacePing.Contracts.Problems;
using FacePing.Tests.Infrastructure;

namespace FacePing.Tests.Api;

/// <summary>
/// The one catalogue every problem comes from: problems the handlers decide, those middleware writes and those the
/// framework would write itself (an unknown route) carry its type, title and wording.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProblemCatalogueTests(ApiFixture fixture)
{
    [Theory]
    [InlineData(400, "https://tools.ietf.org/html/rfc9110#section-15.5.1")]
    [InlineData(404, "https://tools.ietf.org/html/rfc9110#section-15.5.5")]
    [InlineData(413, "https://tools.ietf.org/html/rfc9110#section-15.5.14")]
    [InlineData(415, "https://tools.ietf.org/html/rfc9110#section-15.5.16")]
    [InlineData(422, "https://tools.ietf.org/html/rfc9110#section-15.5.21")]
    [InlineData(429, "https://tools.ietf.org/html/rfc6585#section-4")]
    [InlineData(503, "https://tools.ietf.org/html/rfc9110#section-15.6.4")]
    [InlineData(299, "about:blank")]
    public void A_status_has_the_type_of_its_rfc_section(int status, string type) =>
        Assert.Equal(type, ProblemCatalogue.TypeOf(status));

    [Fact]
    public async Task Handler_middleware_and_bare_status_problems_come_from_the_catalogue()
    {
        using var tenant = await fixture.Factory.CreateTenantClientAsync();
        using var anonymous = fixture.Factory.CreateClient(null);

        using var missingGroup = await tenant.DeleteAsync("/groups/no-such-group");
        AssertIs(await ProblemAssert.IsProblem(missingGroup, HttpStatusCode.NotFound),
            ProblemCatalogue.GroupNotFound("no-such-group").Detail!, ProblemCatalogue.NotFound);

        using var badName = await tenant.PostAsync("/groups/bad%20name", null);
        var invalid = await ProblemAssert.IsValidation(badName, "groupName");
        Assert.Equal(ProblemCatalogue.InvalidRequest.Title, invalid.GetProperty("title").GetString());

        using var unauthenticated = await anonymous.GetAsync("/groups");
        AssertIs(await ProblemAssert.IsProblem(unauthenticated, HttpStatusCode.Unauthorized),
            ProblemCatalogue.NotAuthenticated(null).Detail!, ProblemCatalogue.Unauthorized);

        using var unknownRoute = await tenant.GetAsync("/no/such/route");
        AssertIs(await ProblemAssert.IsProblem(unknownRoute, HttpStatusCode.NotFound),
            ProblemCatalogue.ForBareStatus(404, "/no/such/route").Detail!, ProblemCatalogue.NotFound);
    }

    private static void AssertIs(System.Text.Json.JsonElement problem, string detail, ProblemKind kind)
    {
        Assert.Equal(kind.Title, problem.GetProperty("title").GetString());
        Assert.Equal(kind.Type, problem.GetProperty("type").GetString());
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }
}
