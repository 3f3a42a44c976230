using System.Collections.Concurrent;
using System.Diagnostics;
using FacePing.Contracts.Inference;
using FacePing.Inference;
using FacePing.Inference.Models;
using FacePing.Inference.Options;
using FacePing.Inference.Pipeline;
using FacePing.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FacePing.Tests.Inference;

[Collection(PipelineCollection.Name)]
public sealed class StartupAndTelemetryTests(PipelineFixture fixture)
{
    [Fact]
    public async Task Service_refuses_to_start_when_a_model_file_is_missing()
    {
        var empty = Directory.CreateTempSubdirectory("faceping-nomodels-");
        try
        {
            File.Copy(Path.Combine(RepoPaths.Models, ModelOptions.DetectorFile),
                Path.Combine(empty.FullName, ModelOptions.DetectorFile));
            // The service's own registration on a plain host: WebApplicationFactory reports a start-up failure of a
            // minimal-hosting app as ObjectDisposedException when its host thread wins the race, hiding the message.
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration["FacePing:Models:Directory"] = empty.FullName;
            builder.AddFacePipeline();
            using var host = builder.Build();

            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
            Assert.Contains("fr_landmark.onnx, fr_feature.onnx", error.Message);
            Assert.Contains(empty.FullName, error.Message);
            Assert.DoesNotContain(ModelOptions.DetectorFile, error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Service_refuses_to_start_when_a_model_file_is_not_the_pinned_one()
    {
        var copy = Directory.CreateTempSubdirectory("faceping-altered-");
        try
        {
            foreach (var file in ModelOptions.RequiredFiles)
                File.Copy(Path.Combine(RepoPaths.Models, file), Path.Combine(copy.FullName, file));
            // One flipped byte in the detector: it may still load, but it is not the model that was measured.
            var detector = Path.Combine(copy.FullName, ModelOptions.DetectorFile);
            var bytes = File.ReadAllBytes(detector);
            bytes[^100] ^= 0x01;
            File.WriteAllBytes(detector, bytes);
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration["FacePing:Models:Directory"] = copy.FullName;
            builder.AddFacePipeline();
            using var host = builder.Build();

            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
            Assert.Contains($"{ModelOptions.DetectorFile}: SHA-256 is", error.Message);
            Assert.Contains(ModelFiles.Sha256[ModelOptions.DetectorFile], error.Message);
            Assert.DoesNotContain(ModelOptions.FeatureFile, error.Message);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_pinned_hashes_are_those_of_the_provisioned_models_and_the_repository_s_YuNet()
    {
        foreach (var file in ModelOptions.RequiredFiles)
            Assert.Equal(ModelFiles.Sha256[file], ModelFiles.HashOf(Path.Combine(RepoPaths.Models, file)));
        // The detector is kept in the repository; provisioning copies it after the same check.
        Assert.Equal(ModelFiles.Sha256[ModelOptions.DetectorFile],
            ModelFiles.HashOf(Path.Combine(RepoPaths.Root, "models", "yunet-2023mar", ModelOptions.DetectorFile)));
    }

    [Fact]
    public void Each_stage_is_a_span_with_image_and_face_tags()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "FacePing.Inference",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var parent = new Activity("test-root").Start();

        fixture.Pipeline.Analyze(File.ReadAllBytes(RepoPaths.Face("2008_001322.jpg")), EmbedMode.All);

        var mine = spans.Where(s => s.TraceId == parent.TraceId).ToDictionary(s => s.OperationName);
        Assert.Equal(["decode", "detect", "embed", "landmarks"], mine.Keys.Order());
        Assert.Equal(500, mine["decode"].GetTagItem("image.width"));
        Assert.Equal(375, mine["decode"].GetTagItem("image.height"));
        Assert.Equal(3, mine["detect"].GetTagItem("face.count"));
        Assert.Equal(3, mine["embed"].GetTagItem("face.count"));
    }
}
