using System.Collections.Concurrent;
using System.Net;
using FacePing.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FacePing.Tests.Clients;

/// <summary>
/// A receiver written as the docs show it (FacePingWebhook over the raw body and headers) gets a real signed callback
/// from the worker; the same delivery fails with a wrong secret, a changed body or a stale timestamp.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class WebhookVerificationTests(ClientFixture fx)
{
    private sealed record Delivery(Dictionary<string, string> Headers, byte[] Body);

    [Fact]
    public async Task A_real_signed_callback_verifies_and_a_changed_one_does_not()
    {
        var tenant = await fx.NewTenantAsync("webhooks");
        using var client = await fx.TenantClientAsync(tenant.Key);
        var verifier = new FacePingWebhook(tenant.WebhookSecret!);
        var verified = new ConcurrentQueue<JobCallback>();
        var deliveries = new ConcurrentQueue<Delivery>();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var receiver = builder.Build();
        receiver.MapPost("/hooks/faceping", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            deliveries.Enqueue(new Delivery(
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray()));
            try
            {
                verified.Enqueue(verifier.Verify(request.Headers, body.ToArray()));
                return Results.NoContent();
            }
            catch (WebhookVerificationException)
            {
                return Results.Unauthorized();
            }
        });
        await receiver.StartAsync();
        var url = new Uri(new Uri(receiver.Urls.First()), "/hooks/faceping");

        await client.Groups.CreateAsync("event");
        var accepted = await client.Jobs.StartFtpImportAsync("event", fx.FtpImport(url.ToString()));
        var job = await client.Jobs.WaitAsync(accepted.JobId, TimeSpan.FromMilliseconds(200));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (verified.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(50);

        var callback = Assert.Single(verified);
        Assert.Equal(accepted.JobId, callback.JobId);
        Assert.Equal("event", callback.GroupName);
        Assert.Equal(JobStatus.Completed, callback.Status);
        Assert.Equal(job.SuccessCount, callback.SuccessCount);
        Assert.Equal(job.TotalFiles, callback.TotalFiles);
        Assert.Equal(job.Failed.Count, callback.Failed.Count);

        var delivery = Assert.Single(deliveries);
        string Header(string name) => delivery.Headers[name];
        var (id, timestamp, signature) = (Header("webhook-id"), Header("webhook-timestamp"),
            Header("webhook-signature"));
        Assert.NotNull(verifier.Verify(id, timestamp, signature, delivery.Body));

        var otherSecret = (await client.Webhooks.RotateSecretAsync()).WebhookSecret;
        Assert.Throws<WebhookVerificationException>(() =>
            new FacePingWebhook(otherSecret).Verify(id, timestamp, signature, delivery.Body));
        var changed = delivery.Body.ToArray();
        changed[^2] ^= 1;
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(id, timestamp, signature, changed));
        Assert.Throws<WebhookVerificationException>(() =>
            verifier.Verify("job_other", timestamp, signature, delivery.Body));
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(id, timestamp, null, delivery.Body));
        Assert.False(verifier.TryVerify(id, timestamp, "v1,AAAA", delivery.Body, out _));

        // Ten minutes later the same delivery is a replay; with a wider tolerance it still verifies.
        var later = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp)).AddMinutes(10));
        var stale = Assert.Throws<WebhookVerificationException>(() =>
            new FacePingWebhook(tenant.WebhookSecret!, later).Verify(id, timestamp, signature, delivery.Body));
        Assert.Contains("replay", stale.Message);
        var lenient = new FacePingWebhook(tenant.WebhookSecret!, later) { Tolerance = TimeSpan.FromMinutes(15) };
        Assert.Equal(accepted.JobId, lenient.Verify(id, timestamp, signature, delivery.Body).JobId);
        // What Sign makes is what the API sent (and what a receiver's own tests can use).
        Assert.Equal(signature, verifier.Sign(id, long.Parse(timestamp), delivery.Body));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
