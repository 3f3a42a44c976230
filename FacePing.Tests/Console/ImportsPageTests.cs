using System.Net;
using FacePing.Tests.Ingestion.Fakes;
using static Microsoft.Playwright.Assertions;

namespace FacePing.Tests.Console;

public sealed class ImportsPageTests(ConsoleFixture fixture) : ConsolePageTest(fixture)
{
    private async Task OpenWithGroupAsync(string group)
    {
        var key = await Fixture.NewTenantKeyAsync();
        using (var api = Fixture.ClientFor(key))
            await CreateGroupAsync(api, group);
        await SignInAsync(key);
        await Page.ClickAsync("header >> text=Imports");
    }

    [Fact]
    public async Task An_FTP_import_of_every_face_shows_the_faces_stored_and_not_stored()
    {
        var key = await Fixture.NewTenantKeyAsync();
        using var api = Fixture.ClientFor(key);
        await CreateGroupAsync(api, "everyone");
        await SignInAsync(key);
        await Page.ClickAsync("header >> text=Imports");
        await Page.SelectOptionAsync("#ftp-group", "everyone");
        await Page.FillAsync("#ftp-host", "127.0.0.1");
        await Page.FillAsync("#ftp-port", Fixture.Ftp.Port.ToString());
        await Page.FillAsync("#ftp-username", Fixture.Ftp.User);
        await Page.FillAsync("#ftp-password", Fixture.Ftp.Password);
        await Page.CheckAsync("#ftp-all-faces");
        await Page.ClickAsync("text=Start import");

        var row = Page.Locator("table.jobs tbody tr").First;
        await Expect(row.Locator(".status")).ToHaveTextAsync("completed", new() { Timeout = 90_000 });
        var job = (await api.Jobs.ListAsync()).Single();
        Assert.Equal(FacePing.Client.FaceChoices.All, job.Faces);
        // The three photos with faces are stored with each of their faces: at least one a photo, all in the group.
        Assert.InRange(job.FacesStored!.Value, 3, 100);
        Assert.Equal(job.FacesStored, (await api.Groups.ListVectorIdsAsync("everyone", 1000)).Count);
        await Expect(row.Locator(".faces"))
            .ToHaveTextAsync($"{job.FacesStored} faces stored, {job.FacesRejected} not stored");
        await Expect(row.Locator(".successes")).ToHaveTextAsync("3 stored");
    }

    [Fact]
    public async Task An_FTP_import_is_watched_to_completion_with_its_failed_files_and_reasons()
    {
        await OpenWithGroupAsync("imported");
        await Page.SelectOptionAsync("#ftp-group", "imported");
        await Page.FillAsync("#ftp-host", "ftp://127.0.0.1");
        await Page.FillAsync("#ftp-port", Fixture.Ftp.Port.ToString());
        await Page.FillAsync("#ftp-username", Uri.EscapeDataString(Fixture.Ftp.User)); // URL-encoded, as the Api allows
        await Page.FillAsync("#ftp-password", Fixture.Ftp.Password);
        await Page.FillAsync("#ftp-folder", "/");
        await Page.ClickAsync("text=Start import");

        // The list follows the job every second until it ends: 6 image files, 3 faces stored, 3 failures.
        var job = Page.Locator("table.jobs tbody tr").First;
        await Expect(job).ToContainTextAsync("imported");
        await Expect(job.Locator(".status")).ToHaveTextAsync("completed", new() { Timeout = 90_000 });
        await Expect(job.Locator(".processed")).ToHaveTextAsync("6 / 6");
        await Expect(job.Locator(".successes")).ToHaveTextAsync("3 stored");
        await Expect(job.Locator(".failures")).ToHaveTextAsync("3 failed");
        await ShotAsync("imports");

        await job.Locator("a").ClickAsync();
        var failures = Page.Locator("table.failures tbody tr");
        await Expect(failures).ToHaveCountAsync(3);
        foreach (var name in new[] { IngestFolder.NoFacePhoto, IngestFolder.NotAnImage, IngestFolder.Truncated })
        {
            var failure = failures.Filter(new() { HasText = name });
            await Expect(failure).ToHaveCountAsync(1);
            var reason = await failure.Locator("td").Nth(1).InnerTextAsync();
            Assert.False(string.IsNullOrWhiteSpace(reason), $"no reason given for {name}");
        }
        await Expect(Page.Locator(".job-progress .status")).ToHaveTextAsync("completed");
        await ShotAsync("import-job");

        // The faces are in the group, as the Groups page shows.
        await Page.ClickAsync("header >> text=Groups");
        await Expect(Page.Locator("tr[data-group='imported'] td").Nth(1)).ToHaveTextAsync("3");
    }

    [Fact]
    public async Task The_form_checks_fields_as_the_Api_does_and_shows_the_Apis_own_errors_at_their_fields()
    {
        await OpenWithGroupAsync("checked");
        static string Message(string input) => $"#{input} ~ .validation-message";

        // Nothing filled in: the required fields say so, and nothing is sent.
        await Page.ClickAsync("text=Start import");
        await Expect(Page.Locator(Message("ftp-host"))).ToHaveTextAsync("host is required.");
        await Expect(Page.Locator(Message("ftp-username"))).ToHaveTextAsync("username is required.");
        await Expect(Page.Locator("#ftp-group ~ .validation-message")).ToContainTextAsync("Choose the group");

        // Syntax, as the Api reads it.
        await Page.SelectOptionAsync("#ftp-group", "checked");
        await Page.FillAsync("#ftp-host", "ftp://someone@ftp.example.org/photos");
        await Page.FillAsync("#ftp-username", "reader");
        await Page.FillAsync("#ftp-password", "secret");
        await Page.FillAsync("#ftp-email", "not an address");
        await Page.FillAsync("#ftp-min-quality", "1.5");
        await Page.ClickAsync("text=Start import");
        await Expect(Page.Locator(Message("ftp-host"))).ToContainTextAsync("host must be a host name or IP address");
        await Expect(Page.Locator(Message("ftp-email"))).ToContainTextAsync("plain e-mail address");
        await Expect(Page.Locator(Message("ftp-min-quality"))).ToHaveTextAsync("minQuality must be between 0 and 1.");

        // What only the Api knows: a callback to a loopback address is refused, and its message lands at that field.
        await Page.FillAsync("#ftp-host", "ftp.example.org");
        await Page.FillAsync("#ftp-email", "ops@example.org");
        await Page.FillAsync("#ftp-min-quality", "0.5");
        await Page.FillAsync("#ftp-callback", "http://127.0.0.1:9/hook");
        await Page.ClickAsync("text=Start import");
        await Expect(Page.Locator(Message("ftp-callback"))).ToContainTextAsync("callbackUrl is not allowed");
        await Expect(Page.Locator("#start-import .problem-title")).ToHaveTextAsync("Invalid request");
        await Expect(Page.Locator("#start-import .problem-errors")).ToHaveCountAsync(0); // not repeated in the box
        await ShotAsync("import-errors");
        await Expect(Page.Locator("table.jobs")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_Drive_form_checks_the_folder_id_and_shows_the_Apis_verdict_on_the_key_at_its_field()
    {
        await OpenWithGroupAsync("drive");
        await Page.GetByLabel("Google Drive").CheckAsync();
        await Page.SelectOptionAsync("#drive-group", "drive");

        // The folder id's syntax is checked at the field; nothing is sent.
        await Page.FillAsync("#drive-folder", "not a folder id!");
        await Page.FillAsync("#drive-key", "{}");
        await Page.ClickAsync("text=Start import");
        await Expect(Page.Locator("#drive-folder ~ .validation-message")).ToContainTextAsync("Google Drive folder id");

        // The key's shape only the Api checks: a key without client_email is refused, and said so beside the key.
        await Page.FillAsync("#drive-folder", "1AbC_d-EfGh");
        await Page.FillAsync("#drive-key", """{"type": "service_account"}""");
        await Page.ClickAsync("text=Start import");
        await Expect(Page.Locator("#drive-key ~ .validation-message")).ToContainTextAsync("no valid client_email");
        await Expect(Page.Locator("#drive-folder ~ .validation-message")).ToHaveCountAsync(0);
        await Expect(Page.Locator("table.jobs")).ToHaveCountAsync(0);
    }
}
