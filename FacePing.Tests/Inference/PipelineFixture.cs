using FacePing.Inference.Models;
using FacePing.Inference.Options;
using FacePing.Inference.Pipeline;
using FacePing.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FacePing.Tests.Inference;

/// <summary>The real face pipeline on the provisioned models, created once for all inference tests.</summary>
public sealed class PipelineFixture : IDisposable
{
    /// <summary>
    /// Face-match threshold calibrated for a false-accept rate on LFW (docs/accuracy.md): the Api's default, so the
    /// calibration tests guard the value users get.
    /// </summary>
    public static readonly float MatchThreshold = (float)FacePing.Core.Faces.FaceMatchOptions.DefaultThreshold;

    public PipelineFixture()
    {
        var modelOptions = Options.Create(new ModelOptions { Directory = RepoPaths.Models });
        Models = new FaceModels(modelOptions);
        Pipeline = FacePipeline.Create(Models, modelOptions);
    }

    public FaceModels Models { get; }
    public FacePipeline Pipeline { get; }

    public void Dispose() => Models.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "Face pipeline";
}
