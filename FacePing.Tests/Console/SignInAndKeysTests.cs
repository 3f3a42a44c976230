using System.Net;
using System.Text.RegularExpressions;
using FacePing.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace FacePing.Tests.Console;

public sealed class SignInAndKeysTests(ConsoleFixture fixture) : ConsolePageTest(fixture)
{
    [Fact]
    public async Task The_admin_key_creates_a_key_shown_once_and_revokes_it()
    {
        await Page.GotoAsync("/");
        await Page.FillAsync("#key", ApiFactory.AdminKey);
        await ShotAsync("sign-in");
        await Page.ClickAsync("button[type=submit]");
        await Expect(Page).ToHaveURLAsync(new Regex("/keys$"));
        await Expect(Page.Locator("header nav")).ToHaveTextAsync("Keys"); // the admin key manages keys, nothing else

        await Page.FillAsync("#key-name", "browser test");
        await Page.ClickAsync("text=Create key");
        var key = (await Page.Locator("#new-key").TextContentAsync())!.Trim();
        await Expect(Page.Locator("tr", new() { HasText = "browser test" })).ToContainTextAsync("active");
        await ShotAsync("keys");

        using var tenant = await Fixture.TenantClientAsync(key);
        using (var works = await tenant.GetAsync("/groups")) Assert.Equal(HttpStatusCode.OK, works.StatusCode);

        // Shown once: after a reload (still signed in, from the browser's protected storage) only its row is left.
        await Page.ReloadAsync();
        var row = Page.Locator("tr", new() { HasText = "browser test" });
        await Expect(row).ToBeVisibleAsync();
        await Expect(Page.Locator("#new-key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await Page.ContentAsync());

        await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Revoke…" }).ClickAsync();
        await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(row).ToContainTextAsync("revoked");
        using var refused = await tenant.GetAsync("/groups");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_new_key_signs_in_in_its_place_and_sign_out_forgets_it()
    {
        await SignInAsync(ApiFactory.AdminKey);
        await Page.FillAsync("#key-name", "handed over");
        await Page.ClickAsync("text=Create key");
        await Page.ClickAsync("text=Sign in with this key");
        await Expect(Page).ToHaveURLAsync(new Regex("/groups$"));
        await Expect(Page.Locator("header .who")).ToContainTextAsync("tenant key");
        await Expect(Page.Locator("header nav")).ToContainTextAsync("Try it");

        // Signing out clears the browser's storage, then the header forgets the key: a new page must find none.
        await Page.ClickAsync("text=Sign out");
        await Expect(Page.Locator("header .who")).ToHaveCountAsync(0);
        await Page.GotoAsync("/groups");
        await Expect(Page.Locator("main")).ToContainTextAsync("Sign in first");
    }

    [Fact]
    public async Task An_unknown_key_gets_the_Apis_problem_not_a_stack_trace()
    {
        await Page.GotoAsync("/");
        await Page.FillAsync("#key", "fp_this-key-was-never-issued-0000000000");
        await Page.ClickAsync("button[type=submit]");

        var problem = Page.Locator(".problem");
        await Expect(problem.Locator(".problem-title")).ToHaveTextAsync("Unauthorized");
        await Expect(problem.Locator(".problem-status")).ToHaveTextAsync("401");
        await Expect(Page.Locator("header .who")).ToHaveCountAsync(0);
        Assert.DoesNotContain("   at ", await PageTextAsync());
    }
}
