using FacePing.Client;
using FacePing.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FacePing.Tests.Console;

/// <summary>
/// A test that drives the console in Chromium: each test gets a browser context of its own (empty storage, so nobody
/// is signed in) and one page.
/// </summary>
[Collection(ConsoleCollection.Name)]
public abstract class ConsolePageTest(ConsoleFixture fixture) : IAsyncLifetime
{
    private IBrowserContext context = null!;

    protected ConsoleFixture Fixture => fixture;

    protected IPage Page { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.ConsoleUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        // Generous, for a loaded 2-core machine where a crowd photo can take seconds: each wait ends as soon as its
        // condition holds, so only a broken page ever waits this long.
        context.SetDefaultTimeout(45_000);
        SetDefaultExpectTimeout(45_000);
        Page = await context.NewPageAsync();
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    /// <summary>
    /// Signs in on the start page as a person would, and waits for the header to show the key. <paramref
    /// name="console"/> is another console than the fixture's, for a test that needs an Api of its own.
    /// </summary>
    protected async Task SignInAsync(string key, Uri? console = null)
    {
        await Page.GotoAsync(console?.ToString() ?? "/");
        await Page.FillAsync("#key", key);
        await Page.ClickAsync("button[type=submit]");
        await Expect(Page.Locator("header .who")).ToBeVisibleAsync();
    }

    /// <summary>
    /// A screenshot for docs/console.md, taken where the test has just shown the page working. Only when
    /// FACEPING_CONSOLE_SCREENSHOTS=1: the pictures hold fresh keys, ids and times on every run, and an ordinary test
    /// run should not rewrite files the repository tracks.
    /// </summary>
    protected async Task ShotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("FACEPING_CONSOLE_SCREENSHOTS") != "1") return;
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(RepoPaths.Root, "docs", "console", name + ".png"),
            FullPage = true,
        });
    }

    /// <summary>
    /// Drops a photo on the Try page's zone <paramref name="slot"/> (1 or 2) once Blazor listens to it. Its InputFile
    /// hooks the change event from script after the first render (marking the input with
    /// <c>_blazorInputFileNextFileId</c>); a file set before that is silently lost, as happened on a loaded machine.
    /// </summary>
    protected async Task DropPhotoAsync(int slot, string path)
    {
        await WaitForFileInputAsync(slot);
        await Page.SetInputFilesAsync($"#photo-{slot}", path);
    }

    /// <inheritdoc cref="DropPhotoAsync(int, string)"/>
    protected async Task DropPhotoAsync(int slot, FilePayload photo)
    {
        await WaitForFileInputAsync(slot);
        await Page.SetInputFilesAsync($"#photo-{slot}", photo);
    }

    private Task WaitForFileInputAsync(int slot) => Page.WaitForFunctionAsync(
        "id => document.getElementById(id)?._blazorInputFileNextFileId !== undefined", $"photo-{slot}");

    /// <summary>Creates a group through the Api as a user's program would: the setting for what a page shows.</summary>
    protected static async Task CreateGroupAsync(FacePingClient api, string group) =>
        Assert.Equal(group, (await api.Groups.CreateAsync(group)).Name);

    /// <summary>Stores the face of a photo in a group through the Api, with a <c>name</c>.</summary>
    protected static async Task StoreFaceAsync(FacePingClient api, string group, byte[] photo, string name)
    {
        var stored = await api.Faces.StoreAsync(group, photo,
            new StoreFaceOptions { Metadata = new Dictionary<string, string> { ["name"] = name } });
        Assert.Equal(1, stored.FaceCount);
    }

    /// <summary>The visible text of the page, for checks that no stack trace ever reaches it.</summary>
    protected Task<string> PageTextAsync() => Page.Locator("body").InnerTextAsync();
}
