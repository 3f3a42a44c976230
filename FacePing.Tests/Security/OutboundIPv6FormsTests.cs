using System.Net;
using FacePing.Core.Jobs;
using FacePing.Core.Jobs.Network;
using FacePing.Ingestion.Drive;
using FacePing.Ingestion.Ftp;
using FacePing.Ingestion.Worker;
using Microsoft.Extensions.Options;

namespace FacePing.Tests.Security;

/// <summary>
/// Issue 20 item 5: every IPv6 form that embeds or translates an IPv4 address is as public as that address, for
/// callback URLs (checked by the Api) and FTP hosts (checked by the worker before it connects); Teredo is refused
/// outright.
/// </summary>
public sealed class OutboundIPv6FormsTests
{
    public static TheoryData<string, string> Internal => new()
    {
        { "::127.0.0.1", "IPv4-compatible loopback" },
        { "::a9fe:a9fe", "IPv4-compatible 169.254.169.254" },
        { "::10.0.0.1", "IPv4-compatible private" },
        { "::8.8.8.8", "IPv4-compatible, even public (deprecated form)" },
        { "::ffff:127.0.0.1", "IPv4-mapped loopback" },
        { "::ffff:a9fe:a9fe", "IPv4-mapped metadata" },
        { "::ffff:0:7f00:1", "IPv4-translated (SIIT) loopback" },
        { "::ffff:0:192.168.1.1", "IPv4-translated (SIIT) private" },
        { "64:ff9b::127.0.0.1", "NAT64 well-known prefix, loopback" },
        { "64:ff9b::a9fe:a9fe", "NAT64 well-known prefix, metadata" },
        { "64:ff9b::100.64.0.1", "NAT64 well-known prefix, CGNAT" },
        { "64:ff9b:1::a00:1", "NAT64 local-use prefix" },
        { "64:ff9b:1:a00:1::", "NAT64 local-use prefix, /56 layout" },
        { "2002:7f00:1::1", "6to4 of 127.0.0.1" },
        { "2002:a9fe:a9fe::", "6to4 of 169.254.169.254" },
        { "2002:c0a8:101::1", "6to4 of 192.168.1.1" },
        { "2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo" },
        { "2001::1", "Teredo" },
        { "2001:db8:1::5efe:7f00:1", "ISATAP of 127.0.0.1" },
        { "2001:db8:1:0:200:5efe:a00:1", "ISATAP (universal bit) of 10.0.0.1" },
    };

    [Theory]
    [MemberData(nameof(Internal))]
    public async Task Callback_urls_at_an_embedded_internal_address_are_refused(string address, string form)
    {
        Assert.False(OutboundAddressGuard.IsPublic(IPAddress.Parse(address)), form);
        var guard = new OutboundAddressGuard([]);
        await Assert.ThrowsAsync<OutboundTargetRefusedException>(() =>
            guard.ResolveAllowedAsync($"[{address}]", CancellationToken.None));
        Assert.NotNull(await CallbackUrl.CheckAsync($"http://[{address}]:8080/hook", guard, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Internal))]
    public async Task Ftp_hosts_at_an_embedded_internal_address_are_refused_before_connecting(string address,
        string form)
    {
        var ftp = Options.Create(new FtpClientOptions());
        var drive = Options.Create(new DriveOptions());
        using var http = new HttpClient();
        var factory = new FolderSourceFactory(ftp, drive, new DriveClient(http, drive));
        var job = new JobDefinition("j", "t", "g", JobSource.Ftp, DateTimeOffset.UtcNow, null, null,
            FtpHost: address, FtpPort: 21, FtpUsername: "u", FtpFolderPath: "/");
        var refused = await Assert.ThrowsAsync<JobAbortedException>(() =>
            factory.OpenAsync(job, new JobSecret(FtpPassword: "p"), CancellationToken.None));
        Assert.True(refused.Message.Contains("not allowed", StringComparison.Ordinal), $"{form}: {refused.Message}");
    }

    [Theory]
    [InlineData("2001:4860:4860::8888", "plain global IPv6")]
    [InlineData("::ffff:8.8.8.8", "IPv4-mapped public")]
    [InlineData("::ffff:0:8.8.8.8", "IPv4-translated public")]
    [InlineData("64:ff9b::8.8.8.8", "NAT64 of a public address (DNS64 answers these on IPv6-only networks)")]
    [InlineData("2002:808:808::1", "6to4 of a public relay")]
    [InlineData("2a00:1450:4001:0:200:5efe:808:808", "ISATAP of a public address")]
    public void Embedded_public_addresses_stay_reachable(string address, string form) =>
        Assert.True(OutboundAddressGuard.IsPublic(IPAddress.Parse(address)), form);

    [Fact]
    public async Task An_allow_listed_range_still_admits_an_embedding_form()
    {
        var guard = new OutboundAddressGuard(["64:ff9b::/96"]);
        Assert.Equal([IPAddress.Parse("64:ff9b::a00:1")],
            await guard.ResolveAllowedAsync("64:ff9b::10.0.0.1", CancellationToken.None));
    }
}
