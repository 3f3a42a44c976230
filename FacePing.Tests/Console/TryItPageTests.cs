using System.Globalization;
using System.Net;
using FacePing.Tests.Faces;
using FacePing.Tests.Inference;
using FacePing.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FacePing.Tests.Console;

public sealed class TryItPageTests(ConsoleFixture fixture) : ConsolePageTest(fixture)
{
    private static readonly byte[] StathamA = FacesFixture.Crop("Statham", 0);
    private static readonly byte[] StathamB = FacesFixture.Crop("Statham", 3);
    private static readonly byte[] Diesel = FacesFixture.Crop("Diesel", 1);

    private ILocator Boxes(int slot) => Page.Locator($".slot:has(#photo-{slot}) svg g.face");

    private static FilePayload Jpeg(string name, byte[] bytes) =>
        new() { Name = name, MimeType = "image/jpeg", Buffer = bytes };

    private async Task OpenAsync()
    {
        await SignInAsync(await Fixture.NewTenantKeyAsync());
        await Page.ClickAsync("header >> text=Try it");
    }

    [Fact]
    public async Task A_photo_gets_its_faces_boxed_over_it_in_the_photos_own_pixels()
    {
        await OpenAsync();
        // POST /faces/detect: every face of the crowd photo, numbered, largest first, each with its quality.
        await DropPhotoAsync(1, RepoPaths.Face("bald_guys.jpg"));
        await Expect(Boxes(1)).ToHaveCountAsync(FaceLabels.BaldGuys.Count);
        await Expect(Page.Locator("#photo-1-caption")).ToContainTextAsync($"{FaceLabels.BaldGuys.Count} faces found");
        var qualities = Page.Locator(".slot:has(#photo-1) details.faces tbody tr td:nth-child(4)");
        await Expect(qualities).ToHaveCountAsync(FaceLabels.BaldGuys.Count);
        await Expect(qualities.First).ToBeVisibleAsync();
        foreach (var quality in await qualities.AllInnerTextsAsync())
            Assert.InRange(double.Parse(quality, CultureInfo.InvariantCulture), 0, 1);
        // And on the photo, in the note a pointer resting on a box shows.
        await Expect(Boxes(1).First.Locator("title")).ToContainTextAsync("face 1 · confidence");
        await Expect(Boxes(1).First.Locator("title")).ToContainTextAsync("· quality ");
        // A single face gets a single box.
        await DropPhotoAsync(1, RepoPaths.Face("Tom_Cruise_avp_2014_4.jpg"));
        await Expect(Page.Locator("#photo-1-caption")).ToContainTextAsync("1 face found");
        await Expect(Boxes(1)).ToHaveCountAsync(1);
        await DropPhotoAsync(1, RepoPaths.Face("bald_guys.jpg"));
        await Expect(Boxes(1)).ToHaveCountAsync(FaceLabels.BaldGuys.Count);
        // The overlay is drawn in the photo's pixel space (1986 × 1545), where the Api's boxes are.
        await Expect(Page.Locator(".slot:has(#photo-1) svg")).ToHaveAttributeAsync("viewBox", "0 0 1986 1545");
        await Expect(Boxes(1).First).ToHaveAttributeAsync("data-label", "1");
        await ShotAsync("try");
    }

    [Fact]
    public async Task Two_photos_are_compared_with_similarity_match_and_threshold()
    {
        await OpenAsync();
        await DropPhotoAsync(1, Jpeg("statham-a.jpg", StathamA));
        await DropPhotoAsync(2, Jpeg("statham-b.jpg", StathamB));
        await Expect(Boxes(1)).Not.ToHaveCountAsync(0);
        await Expect(Boxes(2)).Not.ToHaveCountAsync(0);

        await Page.ClickAsync("text=Compare the two faces");
        await Expect(Page.Locator("#is-match")).ToHaveTextAsync("Same person");
        var verdict = await Page.Locator(".verdict").InnerTextAsync();
        var similarity = double.Parse(await Page.Locator("#similarity").InnerTextAsync(), CultureInfo.InvariantCulture);
        var threshold = double.Parse(verdict[(verdict.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        Assert.True(similarity >= threshold, verdict);
        Assert.InRange(threshold, 0.5, 0.95);
        await Expect(Page.Locator(".slot:has(#photo-2) svg g.face.emphasis")).ToHaveCountAsync(1);
        await ShotAsync("compare");

        await DropPhotoAsync(2, Jpeg("diesel.jpg", Diesel));
        // The page has taken the new photo once the old verdict is gone (the old photo's boxes show until then, and a
        // compare clicked meanwhile would compare the old photos).
        await Expect(Page.Locator("#is-match")).ToHaveCountAsync(0);
        await Expect(Boxes(2)).Not.ToHaveCountAsync(0);
        await Page.ClickAsync("text=Compare the two faces");
        await Expect(Page.Locator("#is-match")).ToHaveTextAsync("Different people");
    }

    [Fact]
    public async Task A_stored_face_is_found_by_searching_with_another_photo_of_the_person()
    {
        var key = await Fixture.NewTenantKeyAsync();
        using var api = Fixture.ClientFor(key);
        await CreateGroupAsync(api, "actors");
        await StoreFaceAsync(api, "actors", Diesel, "Vin Diesel");
        await SignInAsync(key);
        await Page.ClickAsync("header >> text=Try it");

        await DropPhotoAsync(1, Jpeg("statham-a.jpg", StathamA));
        await Page.SelectOptionAsync("#store-group", "actors");
        await Page.FillAsync("#store .meta-key", "name");
        await Page.FillAsync("#store .meta-value", "Jason Statham");
        await Page.Locator("#store").GetByRole(AriaRole.Button, new() { Name = "Store", Exact = true }).ClickAsync();
        await Expect(Page.Locator("#store .stored")).ToContainTextAsync("Stored in actors");

        await DropPhotoAsync(1, Jpeg("statham-b.jpg", StathamB));
        await Expect(Boxes(1)).Not.ToHaveCountAsync(0);
        await Page.SelectOptionAsync("#search-group", "actors");
        await Page.Locator("#search").GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        var hits = Page.Locator("#search table.hits tbody tr");
        await Expect(hits).ToHaveCountAsync(2);
        await Expect(hits.First).ToContainTextAsync("name: Jason Statham");
        await Expect(hits.First).ToContainTextAsync("source: image");
        await Expect(hits.Nth(1)).ToContainTextAsync("name: Vin Diesel");
        await ShotAsync("search");

        // A hit opens its vector: the face's metadata and its values.
        await hits.First.Locator("a").ClickAsync();
        await Expect(Page.Locator("main")).ToContainTextAsync($"In group actors · {FaceModel.Dimensions} dimensions");
        await Expect(Page.Locator("table.metadata tr", new() { HasText = "name" })).ToContainTextAsync("Jason Statham");
        await Expect(Page.Locator("svg.vector-preview rect")).ToHaveCountAsync(FaceModel.Dimensions);
        await ShotAsync("vector");
    }

    [Fact]
    public async Task A_selfie_finds_the_photos_its_person_is_in_with_the_face_boxed()
    {
        var key = await Fixture.NewTenantKeyAsync();
        using var api = Fixture.ClientFor(key);
        await CreateGroupAsync(api, "event");
        // The group photo with every face stored, and Diesel on his own (the original way: a photo of its own).
        var photo = await api.Faces.StorePhotoAsync("event",
            FacePing.Client.FaceImage.FromFile(RepoPaths.Face("bald_guys.jpg")));
        await StoreFaceAsync(api, "event", Diesel, "Vin Diesel");
        await SignInAsync(key);
        await Page.ClickAsync("header >> text=Try it");

        await DropPhotoAsync(1, Jpeg("statham-a.jpg", StathamA));
        await Expect(Boxes(1)).Not.ToHaveCountAsync(0);
        await Page.SelectOptionAsync("#photos-group", "event");
        await Page.Locator("#photos").GetByRole(AriaRole.Button, new() { Name = "Find photos" }).ClickAsync();
        // One row: the group photo, at the Statham face that matches best (Diesel's photo is under the threshold).
        var rows = Page.Locator("#photos table.photos tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        var found = await api.Faces.SearchPhotosAsync("event", FacePing.Client.FaceImage.FromBytes(StathamA));
        var best = Assert.Single(found.Photos);
        Assert.Equal(photo.PhotoId, best.PhotoId);
        var box = best.Box!;
        await Expect(rows.First.Locator(".box")).ToHaveTextAsync($"{box.X}, {box.Y}, {box.Width} × {box.Height}");
        await Expect(rows.First.Locator("svg.box-frame rect")).ToHaveAttributeAsync("x", $"{box.X}");
        await Expect(rows.First).ToContainTextAsync($"face {best.FaceIndex + 1}");
        await Expect(rows.First.Locator(".photo-name")).ToContainTextAsync("photo " + photo.PhotoId[..8]);
        await Expect(Page.Locator("#photos-more")).ToHaveCountAsync(0);
        await ShotAsync("photos");
    }

    [Fact]
    public async Task Every_face_of_a_group_photo_is_identified_and_named_on_the_photo()
    {
        // Each of the four people enrolled from one crop; the group photo has six faces of each.
        var key = await Fixture.NewTenantKeyAsync();
        using var api = Fixture.ClientFor(key);
        await CreateGroupAsync(api, "cast");
        var people = FaceLabels.BaldGuys.Select(f => f.Person).Distinct().ToArray();
        foreach (var person in people) await StoreFaceAsync(api, "cast", FacesFixture.Crop(person, 0), person);
        await SignInAsync(key);
        await Page.ClickAsync("header >> text=Try it");

        await DropPhotoAsync(1, RepoPaths.Face("bald_guys.jpg"));
        await Expect(Boxes(1)).ToHaveCountAsync(FaceLabels.BaldGuys.Count);
        await Page.SelectOptionAsync("#identify-group", "cast");
        await Page.Locator("#identify").GetByRole(AriaRole.Button, new() { Name = "Identify", Exact = true })
            .ClickAsync();

        var rows = Page.Locator("#identify table.identified tbody tr");
        await Expect(rows).ToHaveCountAsync(FaceLabels.BaldGuys.Count, new() { Timeout = 90_000 });
        var total = FaceLabels.BaldGuys.Count;
        await Expect(Page.Locator("#identify-caption")).ToContainTextAsync($"{total} of {total} faces match someone");
        // Every box now carries the name of its person: six of each, as labelled by hand in fixtures/faces/labels.json.
        foreach (var person in people)
        {
            var named = Page.Locator($".slot:has(#photo-1) svg g.face.emphasis[data-label$=' {person}']");
            await Expect(named).ToHaveCountAsync(FaceLabels.BaldGuys.Count(f => f.Person == person));
        }
        await ShotAsync("identify");

        // A new photo drops the names: its boxes are numbered again until it is identified.
        await DropPhotoAsync(1, RepoPaths.Face("Tom_Cruise_avp_2014_4.jpg"));
        await Expect(Boxes(1)).ToHaveCountAsync(1);
        await Expect(Boxes(1).First).ToHaveAttributeAsync("data-label", "1");
        await Expect(rows).ToHaveCountAsync(0);
    }
}
