using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FacePing.Tests.Ingestion.EndToEnd;

[Collection(IngestionCollection.Name)]
public sealed class IngestionStartupTests(IngestionFixture fx)
{
    [Theory]
    [InlineData("FacePing:Ingestion:Concurrency", "0", "Concurrency")]
    [InlineData("FacePing:Ftp:AllowedHosts:0", "not a host/!", "AllowedHosts")]
    [InlineData("FacePing:Callbacks:AllowedHosts:0", "10.0.0.0/99", "AllowedHosts")]
    [InlineData("FacePing:Smtp:From", "not-an-address", "From")]
    [InlineData("FacePing:Deliveries:Concurrency", "0", "Concurrency")]
    [InlineData("FacePing:Deliveries:Lease", "00:00:00.100", "Lease")]
    [InlineData("FacePing:Deliveries:Lease", "00:00:30", "Lease")] // not longer than the fixture's 5 s + 30 s
    [InlineData("FacePing:Drive:BaseUrl", "https://example.com/no-trailing-slash", "BaseUrl")]
    public async Task Invalid_options_stop_the_worker_at_start_up(string key, string value, string named)
    {
        var settings = IngestionFixture.WorkerSettings(null, null, null);
        settings[key] = value;
        var error = await StartupFailure.CaptureAsync(
            () => new IngestionFactory(fx.Redis.ConnectionString, fx.Inference, settings),
            factory => factory.StartServer());
        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException
            ?? (error as AggregateException)?.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message);
    }
}
