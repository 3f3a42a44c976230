using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FacePing.Contracts.Inference;
using FacePing.Inference.Admission;
using FacePing.Inference.Options;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FacePing.Tests.Inference;

/// <summary>
/// The pixel budget of the Inference service (issue 20, item 4): requests are weighed by their decode plan, wait
/// in order while it is full, and are shed with 503 + Retry-After when no room comes in time.
/// </summary>
public sealed class PixelAdmissionTests(InferenceAppFactory factory) : IClassFixture<InferenceAppFactory>
{
    private static PixelAdmission Gate(long budget, TimeSpan wait) =>
        new(Microsoft.Extensions.Options.Options.Create(new ImageOptions
        {
            MaxPixelsInFlight = budget, AdmissionWait = wait, ShedRetryAfterSeconds = 3,
        }));

    [Fact]
    public async Task Admits_within_the_budget_and_sheds_beyond_it_when_the_wait_is_over()
    {
        var gate = Gate(10_000_000, TimeSpan.Zero);
        using var first = await gate.AdmitAsync(6_000_000, CancellationToken.None);
        using var second = await gate.AdmitAsync(4_000_000, CancellationToken.None);
        Assert.Equal(10_000_000, gate.Held);

        var refused = await Assert.ThrowsAsync<AdmissionRefusedException>(
            async () => await gate.AdmitAsync(1, CancellationToken.None));
        Assert.Equal(3, refused.RetryAfterSeconds);
        Assert.Equal(10_000_000, gate.Held);
    }

    [Fact]
    public async Task A_waiting_request_is_admitted_in_order_when_pixels_are_released()
    {
        var gate = Gate(10_000_000, TimeSpan.FromMinutes(1));
        var first = await gate.AdmitAsync(8_000_000, CancellationToken.None);
        var heavy = gate.AdmitAsync(5_000_000, CancellationToken.None).AsTask();
        var light = gate.AdmitAsync(1_000_000, CancellationToken.None).AsTask();
        // The light one would fit, but waits behind the heavy one so a heavy image is never starved.
        Assert.False(heavy.IsCompleted);
        Assert.False(light.IsCompleted);

        first.Dispose();
        using var heavyLease = await heavy;
        using var lightLease = await light;
        Assert.Equal(6_000_000, gate.Held);
    }

    [Fact]
    public async Task An_image_heavier_than_the_whole_budget_is_admitted_alone()
    {
        var gate = Gate(10_000_000, TimeSpan.Zero);
        using (var huge = await gate.AdmitAsync(54_000_000, CancellationToken.None))
        {
            Assert.Equal(10_000_000, huge.Weight);
            await Assert.ThrowsAsync<AdmissionRefusedException>(
                async () => await gate.AdmitAsync(1, CancellationToken.None));
        }
        Assert.Equal(0, gate.Held);
    }

    [Fact]
    public async Task The_endpoint_sheds_a_worst_case_image_with_503_and_retry_after_while_the_budget_is_full()
    {
        await using var app = factory.WithWebHostBuilder(b => b
            .UseSetting("FacePing:Images:AdmissionWait", "00:00:00.2")
            .UseSetting("FacePing:Images:ShedRetryAfterSeconds", "4"));
        using var client = app.CreateClient();
        var gate = app.Services.GetRequiredService<PixelAdmission>();
        var png = TestImages.WorstCasePng(7070, 7070);

        using (await gate.AdmitAsync(long.MaxValue, CancellationToken.None))
        {
            using var shed = await client.PostAsync("/v1/analyze?embed=none", Body(png));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(4), shed.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", shed.Content.Headers.ContentType?.MediaType);
            var problem = await shed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Contains("capacity", problem.GetProperty("detail").GetString());
        }

        // Room again: the same image is decoded at the working size and answered.
        using var answered = await client.PostAsync("/v1/analyze?embed=none", Body(png));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var analysis = (await answered.Content.ReadFromJsonAsync<FaceAnalysis>(
            new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        Assert.Equal((7070, 7070, 0), (analysis.Width, analysis.Height, analysis.FaceCount));
        Assert.Equal(0, gate.Held);
    }

    private static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }
}
