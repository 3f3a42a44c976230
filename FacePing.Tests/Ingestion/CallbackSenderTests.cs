using System.Net;
using FacePing.Core.Jobs;
using FacePing.Core.Jobs.Network;
using FacePing.Ingestion.Notifications;
using FacePing.Tests.Ingestion.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FacePing.Tests.Ingestion;

public sealed class CallbackSenderTests
{
    private static readonly JobSummary Summary = new(5, 3,
        [new JobFailure("dogs.jpg", "dogs.jpg", "no face found"),
            new JobFailure("bad.png", "bad.png", "not a decodable image")],
        "job-1", "staff", JobStatus.Completed);

    private static CallbackSender Sender(IEnumerable<string> allowed, TimeSpan? timeout = null,
        int attempts = 4) => new(
        Options.Create(new CallbackOptions
        {
            AllowedHosts = allowed.ToList(),
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
            MaxAttempts = attempts,
            FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        }),
        NullLogger<CallbackSender>.Instance);

    [Fact]
    public async Task Posts_the_summary_in_the_api_shape()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var sender = Sender(["127.0.0.1"]);

        Assert.True(await sender.SendAsync(receiver.Url, Summary, null, CancellationToken.None));

        var body = Assert.Single(receiver.Received).RootElement;
        Assert.Equal(5, body.GetProperty("totalFiles").GetInt32());
        Assert.Equal(3, body.GetProperty("successCount").GetInt32());
        Assert.Equal("job-1", body.GetProperty("jobId").GetString());
        Assert.Equal("staff", body.GetProperty("groupName").GetString());
        Assert.Equal("completed", body.GetProperty("status").GetString());
        var failed = body.GetProperty("failed");
        Assert.Equal(2, failed.GetArrayLength());
        Assert.Equal("dogs.jpg", failed[0].GetProperty("fileName").GetString());
        Assert.Equal("dogs.jpg", failed[0].GetProperty("fileId").GetString());
        Assert.Equal("no face found", failed[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_signed_callback_verifies_with_the_tenants_secret_and_keeps_its_id_across_retries()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        await using var receiver = await CallbackReceiver.StartAsync(secret);
        receiver.FailFirst = 1;
        using var sender = Sender(["127.0.0.1"]);

        Assert.True(await sender.SendAsync(receiver.Url, Summary, secret, CancellationToken.None));

        // The receiver refuses bodies without Content-Length (411) and wrong signatures (401): this one passed both.
        var delivery = Assert.Single(receiver.Deliveries);
        Assert.Equal("job_job-1", delivery.Id);
        Assert.Equal(2, receiver.Ids.Count);
        Assert.All(receiver.Ids, id => Assert.Equal("job_job-1", id));
        Assert.InRange(delivery.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        // Signed with another secret, the same receiver refuses it.
        await using var strict = await CallbackReceiver.StartAsync("whsec_" + Convert.ToBase64String(new byte[32]));
        Assert.False(await sender.SendAsync(strict.Url, Summary, secret, CancellationToken.None));
        Assert.Empty(strict.Deliveries);
    }

    [Fact]
    public async Task Retries_after_503_with_backoff_until_delivered()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.FailFirst = 2;
        using var sender = Sender(["127.0.0.0/8"]);

        Assert.True(await sender.SendAsync(receiver.Url, Summary, null, CancellationToken.None));
        Assert.Equal(3, receiver.Requests);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_stalled_receiver_times_out_and_the_retry_succeeds()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.StallFirst = TimeSpan.FromSeconds(3);
        using var sender = Sender(["127.0.0.1"], timeout: TimeSpan.FromMilliseconds(500));

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await sender.SendAsync(receiver.Url, Summary, null, CancellationToken.None));
        Assert.True(receiver.Requests >= 2);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), started.Elapsed.ToString());
    }

    [Fact]
    public async Task Gives_up_after_max_attempts()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.FailFirst = 100;
        using var sender = Sender(["127.0.0.1"], attempts: 3);
        Assert.False(await sender.SendAsync(receiver.Url, Summary, null, CancellationToken.None));
        Assert.Equal(3, receiver.Requests);
    }

    [Fact]
    public async Task Loopback_is_refused_without_an_allow_list_entry_and_nothing_is_sent()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var sender = Sender([]);
        Assert.False(await sender.SendAsync(receiver.Url, Summary, null, CancellationToken.None));
        Assert.Equal(0, receiver.Requests);
    }

    [Fact]
    public async Task Dns_rebinding_is_caught_at_connect_time()
    {
        // The name resolved to a public address when the Api validated it; now it resolves to loopback.
        await using var receiver = await CallbackReceiver.StartAsync();
        using var sender = Sender([]);
        var rebound = new UriBuilder(receiver.Url) { Host = "localhost" }.Uri;
        Assert.False(await sender.SendAsync(rebound, Summary, null, CancellationToken.None));
        Assert.Equal(0, receiver.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("224.0.0.1")]
    public async Task Internal_addresses_are_refused(string address)
    {
        Assert.False(OutboundAddressGuard.IsPublic(IPAddress.Parse(address)));
        var guard = new OutboundAddressGuard([]);
        await Assert.ThrowsAsync<OutboundTargetRefusedException>(() =>
            guard.ResolveAllowedAsync(address, CancellationToken.None));
        var url = address.Contains(':') ? $"http://[{address}]/hook" : $"http://{address}/hook";
        Assert.NotNull(await CallbackUrl.CheckAsync(url, guard, CancellationToken.None));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2001:4860:4860::8888")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(OutboundAddressGuard.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task A_host_name_resolving_to_a_private_address_is_refused_and_one_allow_listed_passes()
    {
        Task<IPAddress[]> Resolve(string host, CancellationToken _) => Task.FromResult(host switch
        {
            "intranet.example" => new[] { IPAddress.Parse("10.0.0.5") },
            "mixed.example" => [IPAddress.Parse("10.0.0.5"), IPAddress.Parse("93.184.216.34")],
            _ => [IPAddress.Parse("93.184.216.34")],
        });
        var guard = new OutboundAddressGuard([], Resolve);
        await Assert.ThrowsAsync<OutboundTargetRefusedException>(
            () => guard.ResolveAllowedAsync("intranet.example", CancellationToken.None));
        // Only the public address is ever connected to.
        Assert.Equal([IPAddress.Parse("93.184.216.34")],
            await guard.ResolveAllowedAsync("mixed.example", CancellationToken.None));

        var allowed = new OutboundAddressGuard(["intranet.example"], Resolve);
        Assert.Equal([IPAddress.Parse("10.0.0.5")],
            await allowed.ResolveAllowedAsync("intranet.example", CancellationToken.None));
        var cidr = new OutboundAddressGuard(["10.0.0.0/24"], Resolve);
        Assert.Equal([IPAddress.Parse("10.0.0.5")],
            await cidr.ResolveAllowedAsync("intranet.example", CancellationToken.None));
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative")]
    [InlineData("https://user:pw@example.com/hook")]
    [InlineData("")]
    public void Bad_callback_urls_are_refused_by_syntax(string url) =>
        Assert.NotNull(CallbackUrl.CheckSyntax(url, out _));
}
