using System.Net;
using FacePing.Contracts.Problems;
using FacePing.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace FacePing.Tests.Console;

public sealed class ApiProblemTests(ConsoleFixture fixture) : ConsolePageTest(fixture)
{
    [Fact]
    public async Task A_rate_limited_call_shows_the_problem_and_when_to_retry()
    {
        var key = await Fixture.NewTenantKeyAsync();
        await SignInAsync(key);
        await Expect(Page.Locator("main")).ToContainTextAsync("No groups yet.");

        // Another client of the same tenant spends its whole burst and keeps taking each token as it comes back, so the
        // console's next call finds the bucket empty.
        using var other = await Fixture.TenantClientAsync(key);
        using var stop = new CancellationTokenSource();
        var limited = new TaskCompletionSource();
        var hammers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await other.GetAsync("/groups", CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) limited.TrySetResult();
            }
        })).ToArray();
        try
        {
            await limited.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var problem = Page.Locator(".problem");
            // The console's call can, rarely, catch a token the moment it comes back and create its group: then it
            // tries again under another name. The hammers keep the bucket empty, so a second try all but never happens.
            for (var attempt = 1; ; attempt++)
            {
                var name = $"too-fast-{attempt}";
                await Page.FillAsync("#group-name", name);
                await Page.ClickAsync("text=Create group");
                await Expect(problem.Or(Page.Locator($"tr[data-group='{name}']")).First).ToBeVisibleAsync();
                if (await problem.CountAsync() > 0) break;
                Assert.True(attempt < 5, "the console's calls went through while another client kept the bucket empty");
            }
            await Expect(problem.Locator(".problem-title")).ToHaveTextAsync("Too many requests");
            await Expect(problem.Locator(".problem-status")).ToHaveTextAsync("429");
            await Expect(problem.Locator(".problem-detail")).ToContainTextAsync("over its request rate");
            await Expect(problem.Locator(".problem-retry")).ToContainTextAsync("Try again in 1 s");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(hammers);
        }
        await ShotAsync("problem");
        Assert.DoesNotContain("   at ", await PageTextAsync());
    }

    [Fact]
    public async Task An_unreachable_Inference_service_shows_the_503_and_when_to_retry()
    {
        // A second Api over the same Redis (so the same keys work) whose Inference service is a port nobody listens on,
        // and a console in front of it: the Api answers 503 with Retry-After at once.
        var apiUrl = $"http://127.0.0.1:{RedisServer.FreePort()}";
        await using var api = new ApiFactory(Fixture.Redis.ConnectionString, new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = $"http://127.0.0.1:{RedisServer.FreePort()}",
        });
        api.UseKestrel(new Uri(apiUrl).Port);
        await api.StartAsync();
        var consoleUrl = new Uri($"http://127.0.0.1:{RedisServer.FreePort()}");
        await using var console = new ConsoleFactory(apiUrl);
        console.UseKestrel(consoleUrl.Port);
        await console.StartAsync();
        // Its first page outside the browser's waits, as the fixture does for its own console.
        using (var http = new HttpClient { BaseAddress = consoleUrl })
        using (var first = await http.GetAsync("/"))
            first.EnsureSuccessStatusCode();

        await SignInAsync(await Fixture.NewTenantKeyAsync(), consoleUrl);
        await Page.ClickAsync("header >> text=Try it");
        await DropPhotoAsync(1, RepoPaths.Face("Tom_Cruise_avp_2014_4.jpg"));

        var problem = Page.Locator(".slot:has(#photo-1) .problem");
        await Expect(problem.Locator(".problem-title")).ToHaveTextAsync("Service unavailable");
        await Expect(problem.Locator(".problem-status")).ToHaveTextAsync("503");
        await Expect(problem.Locator(".problem-detail")).ToContainTextAsync("inference service is unreachable");
        var retry = $"Try again in {ProblemCatalogue.RetryAfterSeconds} s.";
        await Expect(problem.Locator(".problem-retry")).ToHaveTextAsync(retry);
        await Expect(Page.Locator(".slot:has(#photo-1) svg g.face")).ToHaveCountAsync(0);
        await ShotAsync("unavailable");
        Assert.DoesNotContain("   at ", await PageTextAsync());
    }
}
