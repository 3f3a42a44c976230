using Microsoft.Extensions.Options;

namespace FacePing.Inference.Options;

/// <summary>
/// Fills in the default model folder and refuses to start when a model file is missing or is not the pinned file
/// (SHA-256, <see cref="Models.ModelFiles"/>).
/// </summary>
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
        var missing = ModelOptions.RequiredFiles
            .Where(f => !File.Exists(Path.Combine(options.Directory, f)))
            .ToArray();
        if (missing.Length > 0)
        {
            return ValidateOptionsResult.Fail(
                $"Model file(s) {string.Join(", ", missing)} not found in '{options.Directory}' " +
                $"({ModelOptions.Section}:Directory). Run eng/setup.sh to provision them.");
        }
        var altered = Models.ModelFiles.Mismatches(options.Directory, ModelOptions.RequiredFiles).ToArray();
        return altered.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Model file(s) in '{options.Directory}' are not the pinned ones: {string.Join("; ", altered)}. " +
                "Run eng/provision-models.sh to provision them again.");
    }
}
