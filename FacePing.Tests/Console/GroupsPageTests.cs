using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FacePing.Tests.Faces;
using FacePing.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace FacePing.Tests.Console;

public sealed class GroupsPageTests(ConsoleFixture fixture) : ConsolePageTest(fixture)
{
    [Fact]
    public async Task A_group_is_created_listed_paged_opened_and_deleted_after_confirmation()
    {
        var key = await Fixture.NewTenantKeyAsync();
        using var api = await Fixture.TenantClientAsync(key);
        await SignInAsync(key);
        await Expect(Page).ToHaveURLAsync(new Regex("/groups$"));

        // The Api's name rule is checked at the field; a good name creates the group.
        await Page.FillAsync("#group-name", "team a!");
        await Page.ClickAsync("text=Create group");
        await Expect(Page.Locator(".validation-message")).ToContainTextAsync("Group names are");
        await Page.FillAsync("#group-name", "team-a");
        await Page.ClickAsync("text=Create group");
        var row = Page.Locator("tr[data-group='team-a']");
        await Expect(row).ToBeVisibleAsync();

        // 30 vectors of 4 dimensions, through the Api: more than one page of ids.
        var vectors = Enumerable.Range(0, 30).Select(i => new
        {
            id = $"v{i:00}",
            vectorString = $"{i + 1}, 0.5, -0.25, {i % 3}",
            metadata = new Dictionary<string, object> { ["name"] = $"person {i}", ["floor"] = i % 4 },
        });
        using (var upsert = await api.PostAsJsonAsync("/groups/team-a/vectors/upsert", new { vectors }))
            Assert.Equal(HttpStatusCode.OK, upsert.StatusCode);
        // And a face group, which records the model of its faces.
        using (var faceping = Fixture.ClientFor(key))
        {
            await CreateGroupAsync(faceping, "faces");
            await StoreFaceAsync(faceping, "faces", FacesFixture.Crop("Willis", 0), "Bruce Willis");
        }

        await Page.ReloadAsync();
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("30");
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("4");
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("–"); // raw vectors: no face model
        var faces = Page.Locator("tr[data-group='faces']");
        await Expect(faces.Locator("td").Nth(1)).ToHaveTextAsync("1");
        await Expect(faces.Locator("td").Nth(2)).ToHaveTextAsync(FaceModel.Dimensions.ToString());
        await Expect(faces.Locator("td").Nth(3)).ToHaveTextAsync(FaceModel.Name);
        await ShotAsync("groups");

        await row.Locator("a").ClickAsync();
        await Expect(Page.Locator("main")).ToContainTextAsync("30 vectors · 4 dimensions");
        var ids = Page.Locator("ol.ids li");
        await Expect(ids).ToHaveCountAsync(25);
        await Expect(ids.First).ToHaveTextAsync("v00");
        await ShotAsync("group");
        await Page.ClickAsync("text=Next");
        await Expect(ids).ToHaveCountAsync(5);
        await Expect(ids.First).ToHaveTextAsync("v25");
        await Page.ClickAsync("text=Previous");
        await Expect(ids).ToHaveCountAsync(25);

        await Page.ClickAsync("text=v07");
        await Expect(Page).ToHaveURLAsync(new Regex("/vectors/v07$"));
        await Expect(Page.Locator("table.metadata tr", new() { HasText = "name" })).ToContainTextAsync("person 7");
        await Expect(Page.Locator("table.metadata tr", new() { HasText = "floor" })).ToContainTextAsync("3");
        await Expect(Page.Locator("table.metadata tr", new() { HasText = "source" })).ToContainTextAsync("vector");
        await Expect(Page.Locator("svg.vector-preview rect")).ToHaveCountAsync(4);
        await Expect(Page.Locator("code.vector-text").First).ToHaveTextAsync("8.0000, 0.5000, -0.2500, 1.0000");

        await Page.ClickAsync("header >> text=Groups");
        await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Delete…" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Delete team-a and its 30 vectors?");
        await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Keep" }).ClickAsync();
        await Expect(row).Not.ToContainTextAsync("Delete team-a and its");
        await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Delete…" }).ClickAsync();
        await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(faces).ToBeVisibleAsync();

        using var gone = await api.GetAsync("/groups/team-a/vectors");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
