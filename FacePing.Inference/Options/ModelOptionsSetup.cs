using Microsoft.Extensions.Options;

namespace FacePing.Inference.Options;

/// <summary>Fills in the default model folder and refuses to start when a model file is missing.</summary>
internal sealed class ModelOptionsSetup : IPostConfigureOptions<ModelOptions>, IValidateOptions<ModelOptions>
{
    public void PostConfigure(string? name, ModelOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Directory)) options.Directory = ModelOptions.FindRepositoryModels();
    }

    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            return ValidateOptionsResult.Fail(
                $"{ModelOptions.Section}:Directory is not set and no FacePing.sln was found above " +
                $"{AppContext.BaseDirectory} to default to .cache/models.");
        }
        var missing = options.RequiredFiles
            .Where(f => !File.Exists(Path.Combine(options.Directory, f)))
            .ToArray();
        return missing.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Model file(s) {string.Join(", ", missing)} not found in '{options.Directory}' " +
                $"({ModelOptions.Section}:Directory). Run eng/setup.sh to provision them.");
    }
}
